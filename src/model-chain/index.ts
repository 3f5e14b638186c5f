import { exitWith } from "../action/io.js";
import { run } from "./main.js";

exitWith(run());
