// `spec.build` of a RenderConfig: what the build of an app folder in `eso-render generate` may fetch
// (src/frontends/build-inputs.ts, docs/argocd.md "Remote bases"). Off by default: an Application's
// kustomization or Chart.yaml may name only files of its repository.
//
//   build:
//     allowRemoteBases:                 # URL globs, `*` for any run of characters
//       - "https://github.com/example-org/platform-bases//*"
//       - "https://charts.example.com/*"
export interface BuildSection {
  allowRemoteBases: string[];
}

export function readBuildSection(v: unknown, problem: (path: string, message: string) => void): BuildSection | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problem('spec.build', 'must be a mapping with allowRemoteBases');
    return undefined;
  }
  const out: BuildSection = { allowRemoteBases: [] };
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k !== 'allowRemoteBases') {
      problem(`spec.build.${k}`, 'unknown field; expected allowRemoteBases');
      continue;
    }
    if (!Array.isArray(x)) {
      problem('spec.build.allowRemoteBases', 'must be a list of URL globs');
      continue;
    }
    x.forEach((g, i) => {
      if (typeof g !== 'string' || g.trim() === '') problem(`spec.build.allowRemoteBases[${i}]`, 'must be a URL glob');
      else if (g.replace(/\*/g, '') === '') problem(`spec.build.allowRemoteBases[${i}]`, 'must name a host, not match every URL');
      else out.allowRemoteBases.push(g);
    });
  }
  return out;
}
