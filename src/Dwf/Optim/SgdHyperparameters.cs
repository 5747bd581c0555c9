namespace Dwf.Core;

/// <summary>
/// One SGD parameter group's hyper-parameters, read at each step (schedulers change the learning rate), and for
/// factor groups the coefficient c of the <see cref="Core.EffectiveRateBound"/> (0: no bound).
/// </summary>
internal readonly record struct SgdHyperparameters(double LearningRate, double Momentum, double Dampening, double WeightDecay, bool Nesterov, bool Maximize, double EffectiveRateBound = 0);
