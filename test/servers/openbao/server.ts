// A loopback OpenBao. OpenBao is a fork of Vault that kept Vault's HTTP API (https://openbao.org/api-docs/:
// `/v1/<mount>/data/<key>`, `/v1/<mount>/metadata/<key>` with LIST, `/v1/auth/<mount>/login[/<user>]`,
// X-Vault-Token, X-Vault-Namespace), so the loopback Vault serves it; this module names it for the OpenBao
// tests and adds nothing.
export { FakeVault as FakeOpenBao, RawJson, type RecordedRequest } from '../vault/server.js';
