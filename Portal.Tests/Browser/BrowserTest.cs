using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Domain.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>
/// A browser test: pages in contexts of their own, closed after the test. Subclasses carry
/// <c>[Collection(BrowserCollection.Name)]</c> so they share the one portal and browser.
/// </summary>
public abstract class BrowserTest(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly List<IBrowserContext> contexts = [];

    protected BrowserFixture Fixture => fixture;

    protected async Task<IPage> NewPageAsync(BrowserDevice device = BrowserDevice.Desktop)
    {
        var context = await fixture.NewContextAsync(device);
        contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>The portal's own database, to check what a page shows against what is stored.</summary>
    protected PortalDbContext PortalDatabase() => new(TestDatabase.OptionsFor(fixture.Server.Database));

    /// <summary>A link in the side menu by its exact name ("Routes" is not "My routes").</summary>
    protected static ILocator NavLink(IPage page, string name) =>
        page.GetByTestId("nav-menu").GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = name, Exact = true });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var context in contexts)
        {
            await context.CloseAsync();
        }
    }
}
