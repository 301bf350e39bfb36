/** `npm run docs`: regenerates every generated section of README.md. */
import { configReference } from "./config-docs";
import { updateReadme } from "./readme";

updateReadme({ config: configReference() });
console.log("README.md: generated sections updated");
