using Bunit;
using MudBlazor;
using Portal.Components.Pages.Office;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages;

public sealed class StatCardTests : PortalTestContext
{
    [Theory]
    [InlineData(0, "0")]
    [InlineData(999, "999")]
    [InlineData(1000, "1,000")]
    [InlineData(123456, "1,23,456")]
    [InlineData(12345678, "1,23,45,678")]
    public void Numbers_are_grouped_the_Indian_way(int value, string shown)
    {
        var card = Render<StatCard>(parameters => parameters
            .Add(p => p.Label, "Active customers")
            .Add(p => p.Value, value)
            .Add(p => p.Icon, Icons.Material.Filled.People)
            .Add(p => p.TestId, "stat"));

        Assert.Equal(shown, card.Find(".stat-value").TextContent.Trim());
        Assert.Equal("Active customers", card.Find("[data-testid=stat] .mud-text-secondary").TextContent.Trim());
    }
}
