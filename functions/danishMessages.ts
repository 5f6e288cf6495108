import { z } from 'zod';

/**
 * Every message a user sees is Danish, zod's too: a config, manifest or event that does not
 * parse says so in Danish ("Ugyldigt input: forventede tal, fik streng"). Imported once by each
 * entry point (the CLI, each Lambda handler) before anything is parsed.
 */
z.config(z.locales.da());
