using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Analyzers.CodeFixes;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers.CodeFixes;

/// <summary>DWF003/DWF004 fix: set Depth to the default, 3.</summary>
public sealed class SetDefaultDepthCodeFixTests
{
    [Fact]
    public Task Replaces_a_too_small_and_a_too_large_depth() =>
        CodeFixVerifier<FactorizationOptionsAnalyzer, SetDefaultDepthCodeFixProvider>.VerifyAsync(
            """
            [Factorize({|DWF003:Depth = 1|}, Lambda = 1e-4)]
            public partial class Net : Module<Tensor, Tensor>
            {
                [Factorize({|DWF004:Depth = 9|})] private readonly Linear fc1 = Linear(4, 4);
                [Factorize({|DWF004:Depth = 8|})] private readonly Linear fc2 = Linear(4, 2);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc2.call(fc1.call(x));
            }
            """,
            """
            [Factorize(Depth = 3, Lambda = 1e-4)]
            public partial class Net : Module<Tensor, Tensor>
            {
                [Factorize(Depth = 3)] private readonly Linear fc1 = Linear(4, 4);
                [Factorize(Depth = 3)] private readonly Linear fc2 = Linear(4, 2);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc2.call(fc1.call(x));
            }
            """);
}
