/**
 * The layer rule (DESIGN.md "Layers", STYLE.md "Boundaries that the compiler keeps"): imports only go down.
 * Like VS Code's layer lint rule, a failure prints the allowed-direction table. The tsconfig of each folder
 * already keeps out the wrong runtime's globals; this test keeps out the wrong imports, which tsc allows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { API_METHODS } from '../../shared/contract/api.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

const ALLOWED_TABLE = `
Allowed import directions (a layer may import only what its row lists):
  layer                                   may import
  --------------------------------------  -------------------------------------------------------------------
  shared/                                 shared/ and pure npm packages (zod) — no node:*, Node built-ins,
                                          'electron', electron/, renderer/, react
  renderer/                               renderer/, shared/, browser npm packages — no node:*, Node built-ins,
                                          'electron', electron/
  electron/host|serve|workers|cli         each other, shared/, node:*, npm packages — no renderer/,
                                          electron/main, 'electron'
  electron/main (the Electron shell)      everything under electron/, shared/, and 'electron' — the ONLY
                                          code that imports 'electron'
  test/, scripts/, bin/, bench/           anything above except 'electron' (plain Node runs them)
`;

const SOURCE = /\.(?:ts|tsx|mts|cts|js|mjs|cjs)$/;
const SCANNED = ['electron', 'shared', 'renderer', 'test', 'scripts', 'bin', 'bench'];

function walk(dir: string, out: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.d.mts')) out.push(full);
  }
  return out;
}

/** Module specifiers of static imports/exports, dynamic imports and requires; comments are stripped first. */
function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specifiers: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[\w*{}\s,$]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) specifiers.push(match[1]);
  return specifiers;
}

type Layer = 'shared' | 'renderer' | 'services' | 'shell' | 'tooling';

function layerOf(repoPath: string): Layer {
  const [top, second] = repoPath.split('/');
  if (top === 'shared') return 'shared';
  if (top === 'renderer') return 'renderer';
  if (top === 'electron') return second === 'main' ? 'shell' : 'services';
  return 'tooling';
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]]));
const isNodeBuiltin = (spec: string) => spec.startsWith('node:') || NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(spec.split('/')[0]);
const isElectron = (spec: string) => spec === 'electron' || spec.startsWith('electron/');

/** Why `spec`, imported by `file` (repo-relative), breaks the layer rule; null when it does not. */
function violation(file: string, spec: string): string | null {
  const layer = layerOf(file);
  const target = spec.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)) : null;
  const targetLayer = target === null ? null : layerOf(target);

  if (isElectron(spec) && layer !== 'shell') return `imports '${spec}': only electron/main may import Electron`;
  switch (layer) {
    case 'shared':
      if (isNodeBuiltin(spec)) return `imports the Node built-in '${spec}'`;
      if (spec === 'react' || spec.startsWith('react/') || spec.startsWith('react-dom')) return `imports '${spec}'`;
      if (targetLayer !== null && targetLayer !== 'shared') return `imports ${target} (shared/ imports only shared/)`;
      return null;
    case 'renderer':
      if (isNodeBuiltin(spec)) return `imports the Node built-in '${spec}'`;
      if (targetLayer === 'services' || targetLayer === 'shell') return `imports ${target} (the renderer reaches the host only through shared/contract)`;
      return null;
    case 'services':
      if (targetLayer === 'renderer') return `imports ${target} (host services never depend on the UI)`;
      if (targetLayer === 'shell') return `imports ${target} (host services never depend on the Electron shell)`;
      return null;
    case 'shell':
      if (targetLayer === 'renderer') return `imports ${target} (the shell loads the built renderer, never its code)`;
      return null;
    case 'tooling':
      return null;
  }
}

function scan(): { files: string[]; problems: string[] } {
  const files = SCANNED.flatMap((dir) => walk(path.join(root, dir)));
  const problems: string[] = [];
  for (const full of files) {
    const file = path.relative(root, full).split(path.sep).join('/');
    for (const spec of importsOf(readFileSync(full, 'utf8'))) {
      const why = violation(file, spec);
      if (why) problems.push(`${file}: ${why}`);
    }
  }
  return { files, problems };
}

describe('layer rule', () => {
  it('finds the import statements it checks', () => {
    expect(
      importsOf(`import a from 'a';\nimport type { B } from "b";\nexport * from './c.ts';\nimport './d.css';\nconst e = await import('e');\nconst f = require('f');\n// import g from 'g';\n/* import h from 'h' */`),
    ).toEqual(['a', 'b', './c.ts', './d.css', 'e', 'f']);
  });

  it('catches imports against the direction of the layers', () => {
    expect(violation('shared/engine/x.ts', 'node:fs')).not.toBeNull();
    expect(violation('shared/engine/x.ts', 'fs')).not.toBeNull();
    expect(violation('shared/engine/x.ts', '../../electron/host/host.ts')).not.toBeNull();
    expect(violation('shared/engine/x.ts', 'react')).not.toBeNull();
    expect(violation('renderer/src/a.ts', '../../electron/host/host.ts')).not.toBeNull();
    expect(violation('renderer/src/a.ts', 'node:path')).not.toBeNull();
    expect(violation('electron/host/a.ts', '../../renderer/src/x.ts')).not.toBeNull();
    expect(violation('electron/host/a.ts', 'electron')).not.toBeNull();
    expect(violation('electron/cli/a.ts', '../main/main.ts')).not.toBeNull();
    expect(violation('electron/main/main.ts', 'electron')).toBeNull();
    expect(violation('electron/main/main.ts', '../host/host.ts')).toBeNull();
    expect(violation('renderer/src/a.ts', '../../shared/contract/api.ts')).toBeNull();
  });

  it('holds for every source file', () => {
    const { files, problems } = scan();
    expect(files.length).toBeGreaterThan(10);
    if (problems.length > 0) {
      throw new Error(`${problems.length} import(s) break the layer rule:\n  ${problems.join('\n  ')}\n${ALLOWED_TABLE}`);
    }
  });
});

describe('preload', () => {
  const preload = readFileSync(path.join(root, 'electron/main/preload.ts'), 'utf8');
  const code = preload.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

  it('exposes window.assay (the contract) and window.assayDesktop (drag-and-drop paths) through contextBridge only', () => {
    const exposures = [...code.matchAll(/contextBridge\.(\w+)\(([^)]*)\)/g)];
    expect(exposures.map((m) => m[1])).toEqual(['exposeInMainWorld', 'exposeInMainWorld']);
    expect(exposures.map((m) => m[2].replace(/\s/g, ''))).toEqual(["'assay',api", "'assayDesktop',desktop"]);
    expect(code).not.toMatch(/\b(?:window|globalThis|self)\s*(?:\.\s*\w+|\[[^\]]+\])\s*=/);
  });

  it('never hands ipcRenderer or its event to the page', () => {
    const api = /const api = \{([\s\S]*?)\} satisfies AssayClient;/.exec(code);
    expect(api, 'preload.ts must build `const api = { … } satisfies AssayClient`').not.toBeNull();
    expect(api![1]).not.toMatch(/ipcRenderer|IpcRendererEvent/);
    // The relay passes the payload only, never the IpcRendererEvent.
    expect(code).toMatch(/\(_event: IpcRendererEvent, payload[^)]*\) => listener\(payload\)/);
  });

  it('has one function per contract method, each on its fixed channel', () => {
    for (const method of API_METHODS) expect(code).toContain(`${method}: call('${method}')`);
    const members = [...(/const api = \{([\s\S]*?)\}/.exec(code)?.[1] ?? '').matchAll(/^\s*(\w+)[:,]/gm)].map((m) => m[1]);
    expect(members.sort()).toEqual([...API_METHODS, 'on'].sort());
  });
});
