using MudBlazor;

namespace Portal.Components.Layout;

internal static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1F5FA8",
            Secondary = "#2E9E6A",
            Tertiary = "#F2A541",
            AppbarBackground = "#1F5FA8",
            Background = "#F6F8FB",
            DrawerBackground = "#FFFFFF",
            DrawerText = "#26313D",
            TextPrimary = "#1F2A37",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
        LayoutProperties = new LayoutProperties
        {
            DefaultBorderRadius = "8px",
        },
    };
}
