// Apollo Client 3 with its persisted-query link, run against the gateway by
// tests/security/test_real_client.py: `node apq.mjs URL API_KEY`. Prints one JSON line: every
// HTTP exchange the client made, and the data it got for each of its two queries.
import { createHash } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client/core/index.js";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries/index.js";

const [url, apiKey] = process.argv.slice(2);
const exchanges = [];

async function recordingFetch(input, init) {
  const response = await fetch(input, init);
  const text = await response.clone().text();
  const sent = init.body ? JSON.parse(init.body) : Object.fromEntries(new URL(input).searchParams);
  exchanges.push({ method: init.method, status: response.status, hasQuery: "query" in sent, body: text });
  return response;
}

const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const link = createPersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(
  new HttpLink({ uri: url, fetch: recordingFetch, headers: apiKey ? { "x-api-key": apiKey } : {} }),
);
const client = new ApolloClient({ link, cache: new InMemoryCache() });
const query = gql`
  query Names($limit: Int) {
    artist(order_by: { id: asc }, limit: $limit) {
      name
    }
  }
`;
const results = [];
for (const limit of [2, 1]) {
  const { data } = await client.query({ query, variables: { limit }, fetchPolicy: "no-cache" });
  results.push(data);
}
console.log(JSON.stringify({ exchanges, results }));
