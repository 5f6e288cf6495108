import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The installed packages a Lambda must carry as files (native binaries, a browser, code that
 * finds its own files at run time): the named ones and everything they depend on, as installed
 * in the project's node_modules. Optional dependencies count only when installed (the one
 * platform build npm chose). Sorted, so the asset is the same on every synth.
 */
export function packageClosure(projectRoot: string, names: readonly string[]): string[] {
  const found = new Set<string>();
  const visit = (name: string, optional: boolean) => {
    if (found.has(name)) return;
    const manifest = join(projectRoot, 'node_modules', name, 'package.json');
    if (!existsSync(manifest)) {
      if (optional) return;
      throw new Error(
        `${name} is not installed in ${projectRoot}/node_modules, and a Lambda needs it. Run npm ci; on a machine that is not linux-x64 also ` +
          `npm install --no-save --os=linux --cpu=x64 for the platform builds (docs/aws.md, Prerequisites).`,
      );
    }
    found.add(name);
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, false);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dep, true);
  };
  for (const name of names) visit(name, false);
  return [...found].sort();
}

/** Shell commands that copy packages into an asset's node_modules, keeping scoped folders. */
export function copyPackages(projectRoot: string, packages: readonly string[], outputDir: string): string[] {
  return packages.flatMap((name) => {
    const target = join(outputDir, 'node_modules', name);
    return [`mkdir -p "${join(target, '..')}"`, `cp -R "${join(projectRoot, 'node_modules', name)}" "${target}"`];
  });
}
