namespace Dwf.Core;

/// <summary>One SGD parameter group's hyper-parameters, read at each step (schedulers change the learning rate).</summary>
internal readonly record struct SgdHyperparameters(double LearningRate, double Momentum, double Dampening, double WeightDecay, bool Nesterov, bool Maximize);
