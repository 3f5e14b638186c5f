import { exitWith } from "../action/io.js";
import { main } from "./main.js";

exitWith(main(process.argv.slice(2)));
