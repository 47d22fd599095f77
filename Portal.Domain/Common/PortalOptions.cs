namespace Portal.Domain.Common;

/// <summary>The portal's own settings, section <c>Portal</c> of appsettings.json.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    public string TimeZone { get; set; } = "Asia/Kolkata";

    /// <summary>Changes for tomorrow close at this time today (IST).</summary>
    public TimeOnly CutoffTime { get; set; } = new(21, 0);

    public int ActivationLinkDays { get; set; } = 7;
}
