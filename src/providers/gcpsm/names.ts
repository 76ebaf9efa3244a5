// Secret Manager resource names, built the way ESO builds them (global or regional store).

export interface GcpLocation {
  projectID: string;
  /** Set for a regional store. */
  location?: string;
}

const FULL_SECRET = /^projects\/[^/]+(?:\/locations\/[^/]+)?\/secrets\/[^/]+$/;

/** `projects/<p>[/locations/<l>]` */
export function parentName(at: GcpLocation): string {
  return at.location ? `projects/${at.projectID}/locations/${at.location}` : `projects/${at.projectID}`;
}

/**
 * The secret's resource name. ESO takes the key as a secret ID; a key that already is a full
 * resource name (`projects/p/secrets/s`, `projects/p/locations/l/secrets/s`) is used as it is.
 */
export function secretName(at: GcpLocation, key: string): string {
  return FULL_SECRET.test(key) ? key : `${parentName(at)}/secrets/${key}`;
}

export function versionName(at: GcpLocation, key: string, version: string | undefined): string {
  return `${secretName(at, key)}/versions/${version || 'latest'}`;
}

/**
 * ESO's trimName: the service answers with the project number, so the prefix is rebuilt from the
 * project segment of the returned name (and the store's location) before it is cut off.
 * A name that does not carry that prefix is returned unchanged, as in ESO.
 */
export function trimSecretName(at: GcpLocation, fullName: string): string {
  const project = fullName.split('/')[1] ?? '';
  const prefix = `${parentName({ projectID: project, location: at.location })}/secrets/`;
  return fullName.startsWith(prefix) ? fullName.slice(prefix.length) : fullName;
}

/** A secret or secret version resource name, every segment in the character set Secret Manager allows. */
const NAME_SHAPE = /^projects\/[A-Za-z0-9][A-Za-z0-9.:_-]*(?:\/locations\/[a-z0-9-]+)?\/secrets\/[A-Za-z0-9_-]{1,255}(?:\/versions\/[A-Za-z0-9_-]{1,255})?$/;

/** The project (and location) a key's names must stay under: the store's, or the one a full resource name gives. */
export function namesUnder(at: GcpLocation, key: string): string {
  return FULL_SECRET.test(key) ? key.slice(0, key.lastIndexOf('/secrets/')) : parentName(at);
}

/**
 * The last check before a call leaves (the gRPC equivalent of a URL path check): `name` must be a secret
 * or version name of the expected shape and, when `under` is given, lie under that project/location.
 * Returns why not, or undefined.
 */
export function nameProblem(name: string, under?: string): string | undefined {
  if (!NAME_SHAPE.test(name) || name.split('/').some((s) => s === '.' || s === '..')) return `resource name ${JSON.stringify(name)} is not a secret or version name`;
  if (under !== undefined && !name.startsWith(`${under}/secrets/`)) return `resource name ${JSON.stringify(name)} is not under ${under}`;
  return undefined;
}
