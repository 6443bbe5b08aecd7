/**
 * Kernel module dependency resolution from `modules.dep` (written by `depmod -b` on the extracted
 * Debian kernel). Pure, so the load order can be unit-tested without a kernel.
 */

/** Module name as the kernel spells it: `hid-generic` and `hid_generic` are the same module. */
export function normalizeModuleName(name: string): string {
  return name.replace(/-/g, '_');
}

function moduleNameOf(relativePath: string): string {
  const file = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  return normalizeModuleName(file.replace(/\.ko(\.xz|\.zst|\.gz)?$/, ''));
}

export interface ModuleIndex {
  /** module name → path relative to /lib/modules/<version>/ */
  readonly pathOf: ReadonlyMap<string, string>;
  /** module path → the paths it needs loaded first */
  readonly depsOf: ReadonlyMap<string, readonly string[]>;
}

export function parseModulesDep(text: string): ModuleIndex {
  const pathOf = new Map<string, string>();
  const depsOf = new Map<string, readonly string[]>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const path = line.slice(0, colon).trim();
    pathOf.set(moduleNameOf(path), path);
    depsOf.set(
      path,
      line
        .slice(colon + 1)
        .trim()
        .split(/\s+/)
        .filter(Boolean),
    );
  }
  return { pathOf, depsOf };
}

/** Paths of `names` and everything they depend on, dependencies first (the order insmod needs). */
export function resolveLoadOrder(index: ModuleIndex, names: readonly string[]): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const dep of index.depsOf.get(path) ?? []) visit(dep);
    order.push(path);
  };
  for (const name of names) {
    const path = index.pathOf.get(normalizeModuleName(name));
    if (!path) throw new Error(`kernel module ${name} not found in modules.dep`);
    visit(path);
  }
  return order;
}
