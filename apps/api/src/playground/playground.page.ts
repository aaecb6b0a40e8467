import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { PlaygroundAssets } from './playground.assets.js';

// Typed through Nest's config: @apollo/server ships separate CJS and ESM declarations that clash.
type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

/**
 * Apollo's landing page at GET /graphql: our own GraphiQL bundle (Nest's default page loads React
 * and GraphiQL from a CDN, a blank page on an air-gapped cluster).
 */
export function playgroundLandingPage(assets: PlaygroundAssets, endpoint: string): ApolloPlugin {
  return {
    async serverWillStart() {
      const html = assets.isBuilt() ? page(assets, endpoint) : notBuiltPage(assets.folder);
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}

function page(assets: PlaygroundAssets, endpoint: string): string {
  const link = (file: string) => `/playground/${file}?v=${assets.get(file)!.version}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cosmos Workflow · GraphQL playground</title>
<link rel="stylesheet" href="${link('graphiql.css')}">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql" data-endpoint="${escapeAttribute(endpoint)}"></div>
<script type="module" src="${link('graphiql.js')}"></script>
</body>
</html>
`;
}

function notBuiltPage(folder: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cosmos Workflow · playground not built</title></head>
<body style="font-family: sans-serif; margin: 2rem">
<h1>The GraphQL playground is not built</h1>
<p>No bundle in <code>${escapeAttribute(folder)}</code>. Run <code>npm run build</code> (or <code>npm start</code>, which builds first) and restart.
GraphQL itself answers at this address.</p>
</body></html>
`;
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
