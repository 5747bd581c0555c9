using Dwf.Initialization;
using Xunit;

namespace Dwf.Tests.Runtime;

/// <summary>Φ and erfc against reference values from Python's math.erfc and statistics.NormalDist (glibc/double precision).</summary>
public sealed class StandardNormalTests
{
    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.0, 0.841344746068542948)]
    [InlineData(-2.0, 0.0227501319481792072)]
    [InlineData(1.96, 0.975002104851780)]
    [InlineData(3.5, 0.999767370920964)]
    [InlineData(-5.0, 2.8665157186802404e-07)]
    public void CdfMatchesTabulatedValues(double x, double expected)
    {
        Assert.Equal(expected, StandardNormal.Cdf(x), 1e-15 + 1e-12 * expected);
    }

    [Theory]
    [InlineData(0.5, 0.479500122186953462)]
    [InlineData(1.99, 0.004888586800383003)]
    [InlineData(2.0, 0.004677734981047265)]
    [InlineData(2.9, 4.109787809945886e-05)]
    [InlineData(3.1, 1.1648657367199589e-05)]
    [InlineData(5.0, 1.53745979442803485e-12)]
    [InlineData(10.0, 2.08848758376254476e-45)]
    public void ErfcMatchesTabulatedValuesOnBothSidesOfTheSeriesSwitch(double x, double expected)
    {
        Assert.Equal(expected, StandardNormal.Erfc(x), expected * 1e-12);
    }

    [Fact]
    public void UpperTailKeepsPrecisionWhereTheCdfRoundsToOne()
    {
        // 1 − Φ(9) = 1.1285884059538e-19, far below double epsilon relative to 1.
        Assert.Equal(1.1285884059538e-19, StandardNormal.UpperTail(9.0), 1e-29);
    }
}
