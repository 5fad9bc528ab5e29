// Build-time asset pipeline: sass → CSS, and copies of the few scripts we serve ourselves.
import { cpSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import * as sass from "sass";

const out = "static/build";
mkdirSync(out, { recursive: true });

const css = sass.compile("static/src/councilopts.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
});
writeFileSync(`${out}/councilopts.css`, css.css);

const govuk = "node_modules/govuk-frontend/dist/govuk";
cpSync(`${govuk}/govuk-frontend.min.js`, `${out}/govuk-frontend.min.js`);
cpSync(`${govuk}/assets`, `${out}/assets`, { recursive: true });
cpSync("node_modules/htmx.org/dist/htmx.min.js", `${out}/htmx.min.js`);
// Our own scripts: every static/src/*.js is served as it is (small, no bundling needed).
for (const name of readdirSync("static/src").filter((n) => n.endsWith(".js"))) {
  cpSync(`static/src/${name}`, `${out}/${name}`);
}
console.log(`built ${out}/councilopts.css (${css.css.length} bytes)`);
