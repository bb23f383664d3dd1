#!/usr/bin/env node
import { createSwitchyard } from './index.js';

process.exitCode = await createSwitchyard(process.argv);
