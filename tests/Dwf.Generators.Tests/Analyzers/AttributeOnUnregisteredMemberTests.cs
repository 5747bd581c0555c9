using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>DWF012: [Factorize] or [Dense] on a property or a static field.</summary>
public sealed class AttributeOnUnregisteredMemberTests
{
    private static string Net(string member) => $$"""
        [Factorize]
        public partial class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(4, 2);
            {{member}}
            public Net() : base(nameof(Net)) => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.call(x);
        }
        """;

    [Theory]
    [InlineData("[{|DWF012:Factorize|}] private static readonly Linear shared = Linear(2, 2);")]
    [InlineData("[{|DWF012:Dense|}] private static Linear shared;")]
    [InlineData("[field: {|DWF012:Factorize(Depth = 4)|}] public Linear Head { get; } = Linear(2, 2);")]
    [InlineData("[field: {|DWF012:Dense|}] public Linear Head { get; set; }")]
    public Task Fires_on_a_static_field_or_a_property(string member) =>
        AnalyzerVerifier<FieldAttributeAnalyzer>.VerifyAsync(Net(member));

    [Fact]
    public Task Fires_next_to_the_compiler_error_when_written_on_the_property_itself() =>
        AnalyzerVerifier<FieldAttributeAnalyzer>.VerifyAsync(
            Net("[{|#0:Dense|}] public Linear Head { get; } = Linear(2, 2);"),
            System.Array.Empty<(string, string)>(),
            DiagnosticResult.CompilerError("CS0592").WithLocation(0).WithArguments("Dense", "field"),
            AnalyzerVerifier<FieldAttributeAnalyzer>.Diagnostic(Dwf.Analyzers.DiagnosticDescriptors.AttributeOnUnregisteredMember).WithLocation(0)
                .WithArguments("Dense", "property", "Net.Head"));

    [Theory]
    [InlineData("[Factorize(Depth = 4)] private readonly Linear head = Linear(2, 2);")]
    [InlineData("[Dense] private readonly Linear head = Linear(2, 2);")]
    [InlineData("[field: NonSerialized] public Linear Head { get; } = Linear(2, 2);")]
    public Task Silent_on_instance_fields(string member) =>
        AnalyzerVerifier<FieldAttributeAnalyzer>.VerifyAsync(Net(member));
}
