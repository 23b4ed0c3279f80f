// Validates one Amazon States Language definition with asl-validator.
// Usage: node validate-asl.mjs <definition.json>
// Prints {"isValid": bool, "errors": [...]} and exits 0 when valid, 1 when not.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const validator = require('asl-validator');

const definition = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const result = validator(definition, { checkPaths: true, checkArn: true });
process.stdout.write(JSON.stringify({ isValid: result.isValid, errors: result.errors }) + '\n');
process.exit(result.isValid ? 0 : 1);
