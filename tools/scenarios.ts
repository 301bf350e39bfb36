/**
 * Named config scenarios shared by the docs generator, the benchmarks and the tests.
 *
 * TRAINED: a stack whose models are trained and registered, i.e. both default serving endpoints
 * switched on. They ship off, so a stack's first `pulumi up` succeeds before training has run.
 */
export const TRAINED = ["serving.endpoints.classifier.enabled=true", "serving.endpoints.feedback.enabled=true"];
