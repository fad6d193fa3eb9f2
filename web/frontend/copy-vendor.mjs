// Copy the front-end libraries installed by `npm ci` into web/static/vendor/.
// The files are the packages' own prebuilt browser bundles: no CDN, nothing fetched at run time.
import { copyFileSync, mkdirSync, existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "static", "vendor");
const files = {
  "cytoscape/dist/cytoscape.min.js": "cytoscape.min.js",
  "cytoscape/LICENSE": "cytoscape.LICENSE.txt",
  "cytoscape-dagre/dist/cytoscape-dagre.min.js": "cytoscape-dagre.min.js",
  "cytoscape-dagre/LICENSE": "cytoscape-dagre.LICENSE.txt",
  "@zazuko/yasgui/build/yasgui.min.js": "yasgui.min.js",
  "@zazuko/yasgui/build/yasgui.min.css": "yasgui.min.css",
};
mkdirSync(out, { recursive: true });
const versions = {};
for (const [src, dest] of Object.entries(files)) {
  const from = join(here, "node_modules", src);
  if (!existsSync(from)) {
    if (dest.endsWith(".LICENSE.txt")) continue; // a package without a LICENSE file
    throw new Error(`missing ${from}: run npm ci first`);
  }
  copyFileSync(from, join(out, dest));
}
for (const pkg of ["cytoscape", "cytoscape-dagre", "@zazuko/yasgui"]) {
  const meta = await import(join(here, "node_modules", pkg, "package.json"), { with: { type: "json" } });
  versions[pkg] = meta.default.version;
}
writeFileSync(join(out, "versions.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`vendor files in ${out}:`, versions);
