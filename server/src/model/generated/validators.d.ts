import type { ValidateFunction } from 'ajv';

/** Standalone validators by kind (`vault`) and by kind and list for one item (`vault/credentials`). */
declare const validators: Record<string, ValidateFunction | undefined>;
export = validators;
