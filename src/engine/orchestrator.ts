// Annotations that kpt, kyaml and kustomize put on resources in flight. They are not the user's: in a
// cluster the ExternalSecret would not carry them, so ESO's copy of its annotations onto the Secret
// leaves them out (the KRM front end places each Secret in its ExternalSecret's file itself).

export function isOrchestratorAnnotation(key: string): boolean {
  return /^(internal\.)?config\.(kubernetes\.io|k8s\.io)\/|^kustomize\.config\.k8s\.io\/|^alpha\.config\.kubernetes\.io\//.test(key);
}
