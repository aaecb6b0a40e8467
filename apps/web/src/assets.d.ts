// esbuild bundles imported style sheets into one .css file beside the script.
declare module '*.css';
