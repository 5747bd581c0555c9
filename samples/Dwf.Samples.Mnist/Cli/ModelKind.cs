namespace Dwf.Samples.Mnist.Cli;

/// <summary>The networks the sample can train (the paper's MNIST networks).</summary>
internal enum ModelKind
{
    /// <summary>LeNet-300-100: a 784-300-100-10 MLP, 266,200 weights.</summary>
    LeNet300,

    /// <summary>LeNet-5 (Caffe variant): two convolutions and two fully connected layers, 430,500 weights.</summary>
    LeNet5,
}
