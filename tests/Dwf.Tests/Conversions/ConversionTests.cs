using System.Collections.Generic;
using Dwf.Tests.Conversions.Models;
using Xunit;

namespace Dwf.Tests.Conversions;

/// <summary>
/// Five realistic models converted with exactly <c>partial</c> + <c>[Factorize]</c>. Expected weight counts
/// are computed by hand from the architectures (out × in × kernel area; biases and BatchNorm excluded).
/// </summary>
public sealed class ConversionTests
{
    [Fact]
    public void Mlp_LeNet_300_100_with_a_dense_head() => ConversionCheck.Run(
        () => new Mlp(),
        () => new MlpDense(),
        new long[] { 784 },
        classes: 10,
        new Dictionary<string, long>
        {
            ["fc1.weight"] = 300 * 784, // 235,200
            ["fc2.weight"] = 100 * 300, // 30,000; head stays dense
        },
        lr: 0.05);

    [Fact]
    public void LeNet5_caffe_variant() => ConversionCheck.Run(
        () => new LeNet5(),
        () => new LeNet5Dense(),
        new long[] { 1, 28, 28 },
        classes: 10,
        new Dictionary<string, long>
        {
            ["conv1.weight"] = 20 * 1 * 5 * 5,  // 500
            ["conv2.weight"] = 50 * 20 * 5 * 5, // 25,000
            ["fc1.weight"] = 500 * 800,         // 400,000 (50 channels x 4 x 4 after two pools)
            ["fc2.weight"] = 10 * 500,          // 5,000; total 430,500
        },
        lr: 0.02);

    [Fact]
    public void Vgg_with_a_sequential_built_from_a_configuration_list() => ConversionCheck.Run(
        () => new Vgg(),
        () => new VggDense(),
        new long[] { 3, 16, 16 },
        classes: 10,
        new Dictionary<string, long>
        {
            // Sequential indices: conv, bn, relu per convolution; pool for each 0 in { 8, 0, 16, 0, 32, 32, 0 }.
            ["features.0.weight"] = 8 * 3 * 3 * 3,    // 216
            ["features.4.weight"] = 16 * 8 * 3 * 3,   // 1,152
            ["features.8.weight"] = 32 * 16 * 3 * 3,  // 4,608
            ["features.11.weight"] = 32 * 32 * 3 * 3, // 9,216
            ["classifier.0.weight"] = 10 * 32 * 2 * 2, // 1,280; total 16,472
        },
        lr: 0.05);

    [Fact]
    public void ResNet_with_block_classes_and_sequential_stages() => ConversionCheck.Run(
        () => new ResNet(),
        () => new ResNetDense(),
        new long[] { 3, 16, 16 },
        classes: 10,
        new Dictionary<string, long>
        {
            ["stem.weight"] = 8 * 3 * 3 * 3, // 216
            ["layer1.0.conv1.weight"] = 8 * 8 * 3 * 3, // 576
            ["layer1.0.conv2.weight"] = 8 * 8 * 3 * 3,
            ["layer1.1.conv1.weight"] = 8 * 8 * 3 * 3,
            ["layer1.1.conv2.weight"] = 8 * 8 * 3 * 3,
            ["layer2.0.conv1.weight"] = 16 * 8 * 3 * 3, // 1,152
            ["layer2.0.conv2.weight"] = 16 * 16 * 3 * 3, // 2,304
            ["layer2.0.downsample.0.weight"] = 16 * 8, // 1x1 projection: 128
            ["layer2.1.conv1.weight"] = 16 * 16 * 3 * 3,
            ["layer2.1.conv2.weight"] = 16 * 16 * 3 * 3,
            ["fc.weight"] = 10 * 16, // 160; total 10,872
        },
        lr: 0.05);

    [Fact]
    public void Readonly_concrete_typed_fields_assigned_in_the_constructor() => ConversionCheck.Run(
        () => new ReadonlyFieldsNet(),
        () => new ReadonlyFieldsNetDense(),
        new long[] { 1, 12, 12 },
        classes: 5,
        new Dictionary<string, long>
        {
            ["conv.weight"] = 4 * 1 * 3 * 3,      // 36
            ["hidden.weight"] = 32 * 4 * 10 * 10, // 12,800
            ["output.weight"] = 5 * 32,           // 160; total 12,996
        },
        lr: 0.05);
}
