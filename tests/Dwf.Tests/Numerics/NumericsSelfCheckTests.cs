using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dwf.Numerics;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Numerics;

/// <summary>
/// The decision logic of the native-numerics check, with injected faulty operations and a fake oneDNN switch:
/// wrong results must switch oneDNN off, be checked again and be announced once; results that stay wrong must
/// stop the program with advice; nothing may pass silently.
/// </summary>
public sealed class NumericsSelfCheckTests
{
    private const string Cpu = "Test CPU (AuthenticAMD family 26 model 2, AVX-512)";

    [Fact]
    public void Correct_results_leave_the_backend_as_shipped_and_print_nothing()
    {
        var oneDnn = new FakeOneDnnSwitch();
        var notices = new StringWriter();
        int passes = 0;

        var verdict = NumericsSelfCheck.Run(() => { passes++; return Correct(); }, oneDnn, Cpu, notices, checkSetting: null);

        Assert.Equal(NumericsOutcome.CorrectAsShipped, verdict.Outcome);
        Assert.Equal(1, passes);
        Assert.Equal(0, oneDnn.DisableCalls);
        Assert.Empty(notices.ToString());
        Assert.Empty(verdict.FailuresAsShipped);
        Assert.StartsWith($"numerics: {Cpu}; oneDNN as shipped (float32 matches float64 on 2 operations); check ", verdict.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_operation_wrong_with_oneDNN_switches_it_off_checks_again_and_says_so_once()
    {
        var oneDnn = new FakeOneDnnSwitch();
        var notices = new StringWriter();
        int passes = 0;

        var verdict = NumericsSelfCheck.Run(
            () => { passes++; return oneDnn.Disabled ? Correct() : WrongConvolution(); }, oneDnn, Cpu, notices, checkSetting: null);

        Assert.Equal(NumericsOutcome.CorrectedWithOneDnnOff, verdict.Outcome);
        Assert.True(verdict.OneDnnSwitchedOff);
        Assert.Equal(2, passes);
        Assert.Equal(1, oneDnn.DisableCalls);
        Assert.Equal("conv2d 20→50 k5", Assert.Single(verdict.FailuresAsShipped).Operation);

        string notice = notices.ToString();
        Assert.Single(notice.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(Cpu, notice, StringComparison.Ordinal);
        Assert.Contains("conv2d 20→50 k5: forward 4.1e-01, input gradient 1.8e-01", notice, StringComparison.Ordinal);
        Assert.Contains("oneDNN has been switched off for this process", notice, StringComparison.Ordinal);
        Assert.Contains("all 2 checked operations are correct now", notice, StringComparison.Ordinal);
        Assert.Contains("DWF_NUMERICS_CHECK=off", notice, StringComparison.Ordinal);

        Assert.Contains("oneDNN switched off (float32 was wrong as shipped: conv2d 20→50 k5 forward 4.1e-01; correct now on 2 operations)", verdict.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Results_still_wrong_after_the_switch_stop_the_program_with_what_to_do()
    {
        var oneDnn = new FakeOneDnnSwitch();
        var notices = new StringWriter();

        var error = Assert.Throws<NativeNumericsException>(
            () => NumericsSelfCheck.Run(WrongConvolution, oneDnn, Cpu, notices, checkSetting: null));

        Assert.Equal(1, oneDnn.DisableCalls);
        Assert.Empty(notices.ToString()); // no "fixed" notice for something that was not fixed
        Assert.Equal("conv2d 20→50 k5", Assert.Single(error.Failures).Operation);
        Assert.Contains(Cpu, error.Message, StringComparison.Ordinal);
        Assert.Contains("Switching oneDNN off did not fix it", error.Message, StringComparison.Ordinal);
        Assert.Contains("ONEDNN_MAX_CPU_ISA=SSE41", error.Message, StringComparison.Ordinal);
        Assert.Contains("before the process starts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_reachable_switch_wrong_results_stop_the_program()
    {
        var oneDnn = new FakeOneDnnSwitch(available: false);

        var error = Assert.Throws<NativeNumericsException>(
            () => NumericsSelfCheck.Run(WrongConvolution, oneDnn, Cpu, new StringWriter(), checkSetting: null));

        Assert.Equal(0, oneDnn.DisableCalls);
        Assert.Contains("setUserEnabledMkldnn", error.Message, StringComparison.Ordinal);
        Assert.Contains("ONEDNN_MAX_CPU_ISA=SSE41", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NaN_is_a_wrong_result_not_a_small_one()
    {
        var nan = new ProbeResult("conv_transpose2d 20→50 k5", double.NaN, double.NaN);
        Assert.False(nan.IsCorrect);
        Assert.False(new ProbeResult("x", 1e-7, double.NaN).IsCorrect);
        Assert.False(new ProbeResult("x", 2e-4, 1e-7).IsCorrect);
        Assert.True(new ProbeResult("x", 5e-7, 1e-4).IsCorrect);

        var oneDnn = new FakeOneDnnSwitch();
        var verdict = NumericsSelfCheck.Run(() => oneDnn.Disabled ? Correct() : new[] { nan }, oneDnn, Cpu, new StringWriter(), checkSetting: null);
        Assert.Equal(NumericsOutcome.CorrectedWithOneDnnOff, verdict.Outcome);
        Assert.Contains("conv_transpose2d 20→50 k5 forward NaN", verdict.Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("off")]
    [InlineData("OFF")]
    [InlineData(" 0 ")]
    public void The_opt_out_skips_the_check_and_the_verdict_says_so(string setting)
    {
        var oneDnn = new FakeOneDnnSwitch();
        int passes = 0;

        var verdict = NumericsSelfCheck.Run(() => { passes++; return WrongConvolution(); }, oneDnn, Cpu, new StringWriter(), setting);

        Assert.Equal(NumericsOutcome.NotChecked, verdict.Outcome);
        Assert.Equal(0, passes);
        Assert.Equal(0, oneDnn.DisableCalls);
        Assert.Equal($"numerics: {Cpu}; not checked (DWF_NUMERICS_CHECK=off)", verdict.Describe());
    }

    [Theory]
    [InlineData("no")]
    [InlineData("false")]
    [InlineData("skip")]
    public void A_misspelt_opt_out_is_an_error_that_names_the_variable(string setting)
    {
        var error = Assert.Throws<NativeNumericsException>(() => NumericsSelfCheck.Run(Correct, new FakeOneDnnSwitch(), Cpu, new StringWriter(), setting));
        Assert.Contains("DWF_NUMERICS_CHECK", error.Message, StringComparison.Ordinal);
        Assert.Contains("'off'", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A real operation made wrong in float32 only, measured by the real probe code: the probe must see the
    /// fault, and the decision logic must act on it exactly as on a broken native kernel.
    /// </summary>
    [Fact]
    public void A_real_operation_with_an_injected_float32_fault_is_caught_and_routed_around()
    {
        var oneDnn = new FakeOneDnnSwitch();
        var faulty = new NumericsProbe(
            "conv2d with injected fault",
            new long[] { 2, 20, 12, 12 },
            new long[] { 50, 20, 5, 5 },
            // As a broken kernel would: only the float32 path is wrong, and only while "oneDNN" is on.
            (x, w) => oneDnn.Disabled || x.dtype == float64 ? nn.functional.conv2d(x, w) : nn.functional.conv2d(x, w).mul(1.01));
        using var generator = new Generator(7);
        var notices = new StringWriter();

        var verdict = NumericsSelfCheck.Run(() => new[] { faulty.Measure(generator) }, oneDnn, Cpu, notices, checkSetting: null);

        var failure = Assert.Single(verdict.FailuresAsShipped);
        Assert.InRange(failure.ForwardError, 0.009, 0.011); // 1 % of every output: 1e-2 relative to the largest
        Assert.InRange(failure.GradientError, 0.009, 0.011);
        Assert.Equal(NumericsOutcome.CorrectedWithOneDnnOff, verdict.Outcome);
        Assert.Contains("conv2d with injected fault: forward 1.0e-02", notices.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Probes_do_not_draw_from_the_process_wide_random_generator()
    {
        manual_seed(42);
        var expected = randn(4).data<float>().ToArray();
        manual_seed(42);
        NativeNumerics.Measure();
        var actual = randn(4).data<float>().ToArray();
        Assert.Equal(expected, actual);
    }

    private static IReadOnlyList<ProbeResult> Correct() => new[]
    {
        new ProbeResult("conv2d 20→50 k5", 4.4e-7, 2.0e-7),
        new ProbeResult("linear 300→100", 3.0e-7, 2.5e-7),
    };

    private static IReadOnlyList<ProbeResult> WrongConvolution() => new[]
    {
        new ProbeResult("conv2d 20→50 k5", 0.41, 0.18),
        new ProbeResult("linear 300→100", 3.0e-7, 2.5e-7),
    };
}
