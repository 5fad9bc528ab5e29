// Progressive enhancement only: every page works without it.
// GOV.UK Frontend's template marks the body with an inline script; our CSP forbids inline
// scripts, so this module (which only runs where ES modules do) marks it instead.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
