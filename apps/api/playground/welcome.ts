/** The operation a fresh playground tab opens with; a unit test validates it against schema.gql. */
export const WELCOME = `# Cosmos Workflow GraphQL playground: served from this host, no internet needed.
# Subscriptions run over graphql-ws on the same path; the schema is under Docs.

query Queue {
  queue { paused items { position etaSeconds job { id status } } running { elapsedSeconds job { id } } }
}
`;
