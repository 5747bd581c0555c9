using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>DWF017: a submodule called with forward() inside a module (hooks, and so sparse inference, skip it).</summary>
public sealed class SubmoduleForwardSkipsHooksTests
{
    private static Task Verify(string source, params (int Location, string Receiver, DiagnosticSeverity Severity)[] expected) =>
        AnalyzerVerifier<SubmoduleForwardAnalyzer>.VerifyAsync(
            source,
            System.Array.Empty<(string, string)>(),
            System.Array.ConvertAll(expected, e => AnalyzerVerifier<SubmoduleForwardAnalyzer>.Diagnostic(Dwf.Analyzers.DiagnosticDescriptors.SubmoduleForwardSkipsHooks)
                .WithLocation(e.Location).WithArguments(e.Receiver).WithSeverity(e.Severity)));

    [Fact]
    public Task Warns_in_a_Factorize_class_and_informs_in_its_blocks() =>
        Verify(
            """
            [Factorize]
            public partial class Net : Module<Tensor, Tensor>
            {
                private readonly Conv2d conv = Conv2d(1, 4, 3);
                private readonly BatchNorm2d norm = BatchNorm2d(4);
                private readonly Block block = new Block();
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => block.{|#2:forward|}(norm.{|#0:forward|}(conv.{|#1:forward|}(x)));
            }

            public sealed class Block : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 4);
                public Block() : base(nameof(Block)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.{|#3:forward|}(x).add(this.fc.{|#4:forward|}(x));
            }
            """,
            (0, "norm", DiagnosticSeverity.Warning),
            (1, "conv", DiagnosticSeverity.Warning),
            (2, "block", DiagnosticSeverity.Warning),
            (3, "fc", DiagnosticSeverity.Info),
            (4, "this.fc", DiagnosticSeverity.Info));

    [Fact]
    public Task Silent_on_call_on_the_modules_own_forward_and_outside_modules() =>
        Verify(
            """
            public class Base : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 4);
                public Base() : base(nameof(Base)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
                public Tensor Twice(Tensor x) => this.forward(forward(x));
            }

            public sealed class Derived : Base
            {
                public override Tensor forward(Tensor x) => base.forward(x);
            }

            public sealed class NotAModule
            {
                public Tensor forward(Tensor x) => x;
                public Tensor Run(Base model, Tensor x) => model.forward(new NotAModule().forward(x));
            }

            public static class Training
            {
                public static Tensor Step(Base model, Tensor x) => model.forward(x);
            }
            """);
}
