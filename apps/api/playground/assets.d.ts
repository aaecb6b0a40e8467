// esbuild bundles imported style sheets into graphiql.css beside the script.
declare module '*.css';
