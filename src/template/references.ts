// The data keys a template certainly reads: `.key` and `index . "key"` where dot is still the data map,
// and `$.key` / `index $ "key"` anywhere. Used by `validate` to find keys that no data entry provides.
// Keys read inside range/with bodies through a changed dot are not reported (they are not data keys).

import type { CommandNode, ListNode, Node, PipeNode } from './parse.js';
import { parseTemplate } from './parse.js';
import { functionDefined } from './funcs/index.js';
import { binToUtf8, utf8ToBin } from './values.js';
import type { TemplateOptions } from './index.js';

export function referencedKeys(text: string, opts: TemplateOptions): string[] {
  const tree = parseTemplate(utf8ToBin(text), opts.leftDelim, opts.rightDelim, functionDefined);
  const keys = new Set<string>();

  const visitArg = (n: Node, dotIsData: boolean): void => {
    if (n.kind === 'field' && dotIsData) keys.add(n.ident[0]!);
    else if (n.kind === 'variable' && n.ident[0] === '$' && n.ident.length > 1) keys.add(n.ident[1]!);
    else if (n.kind === 'pipe') visitPipe(n, dotIsData);
    else if (n.kind === 'chain') visitArg(n.node, dotIsData);
  };
  const visitCommand = (c: CommandNode, dotIsData: boolean): void => {
    const [first, second, third] = c.args;
    if (first?.kind === 'identifier' && first.ident === 'index' && third?.kind === 'string') {
      const onData = (second?.kind === 'dot' && dotIsData) || (second?.kind === 'variable' && second.ident.length === 1 && second.ident[0] === '$');
      if (onData) keys.add(third.text);
    }
    for (const a of c.args) visitArg(a, dotIsData);
  };
  const visitPipe = (p: PipeNode | null, dotIsData: boolean): void => {
    for (const c of p?.cmds ?? []) visitCommand(c, dotIsData);
  };
  const visitList = (l: ListNode | null, dotIsData: boolean): void => {
    for (const n of l?.nodes ?? []) {
      switch (n.kind) {
        case 'action': visitPipe(n.pipe, dotIsData); break;
        case 'if': visitPipe(n.pipe, dotIsData); visitList(n.list, dotIsData); visitList(n.elseList, dotIsData); break;
        case 'range':
        case 'with':
          visitPipe(n.pipe, dotIsData);
          visitList(n.list, false); // dot is the element / the value inside
          visitList(n.elseList, dotIsData);
          break;
        case 'template': visitPipe(n.pipe, dotIsData); break;
        default: break;
      }
    }
  };
  visitList(tree.root, true);
  return [...keys].map(binToUtf8).sort();
}
