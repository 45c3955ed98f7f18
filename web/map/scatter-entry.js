// The one module the latent map loads: regl-scatterplot with its dependencies (regl,
// pub-sub-es, dom-2d-camera, ...) bundled by esbuild into a single ES module.
export { default as createScatterplot, createRenderer } from 'regl-scatterplot';
