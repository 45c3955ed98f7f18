"""What leaves aeviz for other programs: ONNX graphs of decoders and maps, and the static explorer."""
