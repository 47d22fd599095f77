using System.Collections.Concurrent;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Components.Layout;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

public sealed class PortalErrorBoundaryTests : PortalTestContext
{
    private readonly CapturingLoggerProvider log = new();

    public PortalErrorBoundaryTests()
    {
        Services.AddSingleton<ILoggerFactory>(new LoggerFactory([log]));
        Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
    }

    [Fact]
    public void A_page_that_fails_in_a_circuit_shows_a_friendly_message_with_the_reference_the_log_has()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var boundary = Render<PortalErrorBoundary>(p => p.AddChildContent<BreakablePage>());
        Assert.Equal("Deliveries for today", boundary.Find("[data-testid=page-content]").TextContent);

        boundary.Find("[data-testid=break]").Click();

        var shown = boundary.WaitForElement("[data-testid=error-reference]").TextContent.Trim();
        Assert.Matches("^[A-HJ-NP-Z2-9]{8}$", shown);
        Assert.Contains("Something went wrong", boundary.Find("[data-testid=error-boundary]").TextContent, StringComparison.Ordinal);
        Assert.Empty(boundary.FindAll("[data-testid=page-content]"));
        Assert.DoesNotContain(BreakablePage.Failure, boundary.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), boundary.Markup, StringComparison.Ordinal);

        var entry = Assert.Single(BoundaryEntries());
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal($"A page failed, reference {shown}", entry.Message);
        Assert.IsType<InvalidOperationException>(entry.Exception);
        Assert.Equal(BreakablePage.Failure, entry.Exception.Message);
    }

    [Fact]
    public void Each_failure_gets_a_reference_of_its_own()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var first = Render<PortalErrorBoundary>(p => p.AddChildContent<BreakablePage>());
        var second = Render<PortalErrorBoundary>(p => p.AddChildContent<BreakablePage>());

        first.Find("[data-testid=break]").Click();
        second.Find("[data-testid=break]").Click();

        var references = new[] { first, second }.Select(b => b.WaitForElement("[data-testid=error-reference]").TextContent.Trim()).ToList();
        Assert.NotEqual(references[0], references[1]);
        Assert.Equal(references, BoundaryEntries().Select(e => e.Message.Split(' ')[^1]));
    }

    [Fact]
    public void Reload_loads_the_same_address_afresh_and_going_elsewhere_leaves_the_failure_behind()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        navigation.NavigateTo("/deliveries");
        var boundary = Render<PortalErrorBoundary>(p => p.AddChildContent<BreakablePage>());
        boundary.Find("[data-testid=break]").Click();

        boundary.WaitForElement("[data-testid=error-reload]").Click();

        var reload = navigation.History.First();
        Assert.Equal("http://localhost/deliveries", reload.Uri);
        Assert.True(reload.Options.ForceLoad);

        navigation.NavigateTo("/customers");
        boundary.WaitForAssertion(() => Assert.Equal("Deliveries for today", boundary.Find("[data-testid=page-content]").TextContent));
        Assert.Empty(boundary.FindAll("[data-testid=error-boundary]"));
    }

    [Fact]
    public void While_a_response_is_being_prerendered_the_failure_is_left_to_the_error_page()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        var failure = Assert.Throws<InvalidOperationException>(() =>
            Render<PortalErrorBoundary>(p => p.AddChildContent<BreakablePage>(c => c.Add(b => b.BrokenFromStart, true))));

        Assert.Equal(BreakablePage.Failure, failure.Message);
        Assert.Empty(BoundaryEntries());
    }

    private List<LogEntry> BoundaryEntries() => log.Entries.Where(e => e.Category == typeof(PortalErrorBoundary).FullName).ToList();

    /// <summary>A page that fails when its button is pressed, or as it first renders.</summary>
    private sealed class BreakablePage : ComponentBase
    {
        public const string Failure = "relation \"customers\" does not exist";

        private bool broken;

        [Parameter]
        public bool BrokenFromStart { get; set; }

        protected override void OnParametersSet() => broken = BrokenFromStart;

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            if (broken || BrokenFromStart)
            {
                throw new InvalidOperationException(Failure);
            }
            builder.OpenElement(0, "h1");
            builder.AddAttribute(1, "data-testid", "page-content");
            builder.AddContent(2, "Deliveries for today");
            builder.CloseElement();
            builder.OpenElement(3, "button");
            builder.AddAttribute(4, "data-testid", "break");
            builder.AddAttribute(5, "onclick", EventCallback.Factory.Create<MouseEventArgs>(this, () => broken = true));
            builder.CloseElement();
        }
    }

    private sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<LogEntry> entries = new();

        public IReadOnlyList<LogEntry> Entries => [.. entries];

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, entries);

        public void Dispose()
        {
        }

        private sealed class CapturingLogger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
