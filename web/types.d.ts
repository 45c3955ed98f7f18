// What esbuild's loaders make of the files the components import (scripts/build.mjs).
declare module '*.html' { const text: string; export default text; }
declare module '*?text' { const text: string; export default text; }
declare module '*.css' {}
