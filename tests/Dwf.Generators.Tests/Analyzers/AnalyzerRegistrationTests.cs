using System;
using System.Collections.Immutable;
using Dwf.Analyzers.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers;

/// <summary>Every analyzer runs concurrently and skips generated code (what it asks of the analyzer driver).</summary>
public sealed class AnalyzerRegistrationTests
{
    public static TheoryData<DiagnosticAnalyzer> Analyzers => new()
    {
        new FactorizedClassAnalyzer(),
        new FactorizationOptionsAnalyzer(),
        new FieldAttributeAnalyzer(),
        new ReservedMemberAnalyzer(),
        new OptimizerAnalyzer(),
        new SubmoduleForwardAnalyzer(),
    };

    [Theory]
    [MemberData(nameof(Analyzers))]
    public void Enables_concurrent_execution_and_ignores_generated_code(DiagnosticAnalyzer analyzer)
    {
        var context = new RecordingContext();
        analyzer.Initialize(context);
        Assert.True(context.ConcurrentExecutionEnabled);
        Assert.Equal(GeneratedCodeAnalysisFlags.None, context.GeneratedCodeFlags);
        Assert.Equal(1, context.CompilationStartActions);
    }

    /// <summary>Records what an analyzer asks for in Initialize; nothing is run.</summary>
    private sealed class RecordingContext : AnalysisContext
    {
        public bool ConcurrentExecutionEnabled { get; private set; }

        /// <summary>Starts as "analyze and report", the driver's default, so a missing call is seen.</summary>
        public GeneratedCodeAnalysisFlags GeneratedCodeFlags { get; private set; } =
            GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics;

        public int CompilationStartActions { get; private set; }

        public override void EnableConcurrentExecution() => ConcurrentExecutionEnabled = true;

        public override void ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags analysisMode) => GeneratedCodeFlags = analysisMode;

        public override void RegisterCompilationStartAction(Action<CompilationStartAnalysisContext> action) => CompilationStartActions++;

        public override void RegisterCompilationAction(Action<CompilationAnalysisContext> action) => throw Unexpected();

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => throw Unexpected();

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => throw Unexpected();

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => throw Unexpected();

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => throw Unexpected();

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => throw Unexpected();

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => throw Unexpected();

        /// <summary>All work is registered per compilation, after Dwf is found; nothing else at the top level.</summary>
        private static InvalidOperationException Unexpected() => new("The Dwf analyzers register everything in a compilation-start action.");
    }
}
