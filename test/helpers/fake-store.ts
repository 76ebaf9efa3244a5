// The smallest ClusterSecretStore the lazy-reading tests render against: the built-in fake store `fake`
// with one key, /db/password.
export const fakeStoreYaml = `apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata:
  name: fake
spec:
  provider:
    fake:
      data:
      - key: /db/password
        value: s3cr3t-value
`;

/** A document's text as an entry of a ResourceList's `items` (`- ` at column 0, content two columns in). */
export const asItem = (doc: string): string =>
  `${doc.replace(/\n$/, '').split('\n').map((l, i) => (i === 0 ? `- ${l}` : l === '' ? '' : `  ${l}`)).join('\n')}\n`;
