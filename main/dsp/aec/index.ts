export { EchoCanceller, type EchoCancellerOptions, type EchoCancellerStats } from './echo-canceller';
export { MdfCanceller, type MdfOptions, type MdfStats } from './mdf';
export { DelayEstimator, type DelayEstimatorOptions } from './delay-estimator';
export { RealInverseFft } from './real-ifft';
export { ResidualSuppressor } from './suppressor';
