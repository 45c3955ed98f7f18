"""An 8-bit decoder for the decoded atlas, tried (aeviz issue 26): is onnxruntime-web's
WebAssembly fast enough with it to tile 40 x 40 cells of the 2-d mnist5k VAE's map in 1 s?

    python benchmarks/atlas_int8.py

Exports the shipped 2-d VAE's decoder (aeviz.export.onnx_graphs.decoder_bytes), and makes
two graphs of it: (1) each 4x4, stride-2 transposed convolution rewritten, exactly, as four
2x2 convolutions (one per output phase) whose outputs DepthToSpace interleaves; (2) that graph
quantized by onnxruntime's static quantizer (QOperator: 8-bit activations, per-channel 8-bit
weights), calibrated on 512 codes drawn from the prior (N(0, 1.2^2)). It prints how far each
graph's images are from the float decoder's on 1,600 codes over [-3, 3]^2 (in 8-bit levels),
and each graph's time for 1,600 decodes in onnxruntime-web's wasm, one thread, in Node (the
vendored package in web/node_modules: `npm ci` in web/ first), best of 3, batches of 100 as
the atlas's workers send them. The quantizer is onnxruntime's (a test dependency), so this
stays a benchmark: aeviz's export does not quantize."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper, numpy_helper
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.preprocess import quant_pre_process

import aeviz
from aeviz.checkpoints import SHIPPED_DIR
from aeviz.export.onnx_graphs import decoder_bytes

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import machine_line  # noqa: E402

WEB = Path(__file__).resolve().parent.parent / "web"
# A transposed conv (kernel 4, stride 2, padding 1): output row 2i + a takes input rows i - 1
# and i with kernel rows 3 and 1 when a = 0, rows i and i + 1 with kernel rows 2 and 0 when a = 1.
TAPS = [[3, 1], [2, 0]]
TIMER = """
import * as ort from '%s';
import fs from 'node:fs';
ort.env.wasm.numThreads = 1;
for (const f of process.argv.slice(2)) {
  const s = await ort.InferenceSession.create(fs.readFileSync(f), { executionProviders: ['wasm'] });
  const z = new Float32Array(200).map(() => Math.random() * 4 - 2);
  await s.run({ z: new ort.Tensor('float32', z, [100, 2]) });
  const ts = [];
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    for (let i = 0; i < 16; i++) await s.run({ z: new ort.Tensor('float32', z, [100, 2]) });
    ts.push(performance.now() - t);
  }
  console.log(Math.round(Math.min(...ts)));
}
"""


def phases(src: Path, dst: Path) -> None:
    """src with each transposed conv as four 2x2 convs, concatenated and interleaved."""
    model = onnx.load(src)
    graph, kept = model.graph, []
    weights = {t.name: t for t in graph.initializer}
    for node in graph.node:
        if node.op_type != "ConvTranspose":
            kept.append(node)
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        assert list(attrs["kernel_shape"]) == [4, 4] and list(attrs["strides"]) == [2, 2], attrs
        w = numpy_helper.to_array(weights[node.input[1]])  # (in, out, 4, 4)
        b = numpy_helper.to_array(weights[node.input[2]])
        outs = []
        for a in range(2):
            for c in range(2):
                k = np.stack([np.stack([w[:, :, TAPS[a][r], TAPS[c][s]].T for s in range(2)], -1) for r in range(2)], -2)
                name = f"{node.name}_{a}{c}"
                graph.initializer.extend([numpy_helper.from_array(np.ascontiguousarray(k, np.float32), name + "_w"),
                                          numpy_helper.from_array(b.astype(np.float32), name + "_b")])
                kept.append(helper.make_node("Conv", [node.input[0], name + "_w", name + "_b"], [name], kernel_shape=[2, 2],
                                             pads=[1 - a, 1 - c, a, c]))
                outs.append(name)
        kept += [helper.make_node("Concat", outs, [node.name + "_cat"], axis=1),
                 helper.make_node("DepthToSpace", [node.name + "_cat"], [node.output[0]], blocksize=2, mode="DCR")]
    del graph.node[:]
    graph.node.extend(kept)
    onnx.checker.check_model(model)
    onnx.save(model, dst)


class Prior(CalibrationDataReader):
    def __init__(self):
        codes = np.random.default_rng(0).standard_normal((512, 2)).astype(np.float32) * 1.2
        self.batches = iter([{"z": codes[i:i + 64]} for i in range(0, 512, 64)])

    def get_next(self):
        return next(self.batches, None)


def main() -> None:
    print(machine_line())
    model = next(m for m in map(aeviz.load_checkpoint, sorted(SHIPPED_DIR.glob("vae-mnist5k-*.safetensors")))
                 if m.config.latent_dim == 2)
    print(f"decoder of {model.checkpoint_id} (2-d code)")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "float.onnx").write_bytes(decoder_bytes(model))
        quant_pre_process(d / "float.onnx", d / "pre.onnx", skip_symbolic_shape=True)  # batch norms folded
        phases(d / "pre.onnx", d / "phases.onnx")
        quantize_static(d / "phases.onnx", d / "int8.onnx", Prior(), quant_format=QuantFormat.QOperator,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, per_channel=True)
        codes = np.random.default_rng(1).uniform(-3, 3, (1600, 2)).astype(np.float32)
        run = {name: ort.InferenceSession(str(d / f"{name}.onnx")).run(None, {"z": codes})[0]
               for name in ("float", "phases", "int8")}
        (d / "time.mjs").write_text(TIMER % (WEB / "node_modules/onnxruntime-web/dist/ort.wasm.min.mjs").as_posix())
        node = shutil.which("node")
        ms = (subprocess.run([node, str(d / "time.mjs"), *(str(d / f"{n}.onnx") for n in run)], capture_output=True,
                             text=True, check=True).stdout.split() if node else ["-"] * 3)
    print("\n| decoder graph | 1,600 decodes, wasm, 1 thread (ms) | off the float graph: max (8-bit levels) | mean | "
          "tiles with a pixel off by more than 8 |\n|---|---|---|---|---|")
    for (name, out), t in zip(run.items(), ms):
        off = np.abs(out - run["float"]) * 255
        print(f"| {name} | {t} | {off.max():.1f} | {off.mean():.2f} | {int((off.reshape(1600, -1).max(1) > 8).sum())} of 1600 |")


if __name__ == "__main__":
    main()
