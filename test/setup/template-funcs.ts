// Tests call the template engine directly (executeTemplate, funcTable), as no run would: a run loads
// the function groups its templates name before executing them (template/funcs/index.ts). Every test
// file starts with all of them loaded; test/template-lazy.test.ts checks what a real run loads.
import { loadFunctionGroups } from '../../src/template/funcs/index.js';

await loadFunctionGroups('all');
