namespace Portal.Domain.Routes;

/// <summary>Routes, their agents and the order of their stops.</summary>
public sealed class RoutePlanner;
