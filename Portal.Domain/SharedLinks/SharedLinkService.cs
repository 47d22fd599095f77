using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;

namespace Portal.Domain.SharedLinks;

public sealed record SharedLinkCreated(int Id, string Token, DateTimeOffset ExpiresAt);

public sealed record SharedLinkRow(int Id, int RouteId, string RouteName, DateOnly SheetDate, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, bool IsActive);

/// <summary>Why a link does not open; each gets its own clear page.</summary>
public enum LinkRefusal
{
    Unknown,
    Expired,
    Revoked,
}

public sealed record OpenedLink(int LinkId, int RouteId, string RouteName, DateOnly SheetDate, DateTimeOffset ExpiresAt)
{
    public Recorder Recorder => Recorder.Link(LinkId, RouteName);
}

/// <summary>
/// Secret links to one route's sheet for one date, for a substitute without an account. The token is 128 random bits,
/// shown once; only its SHA-256 is stored, so the database alone cannot open a sheet.
/// </summary>
public sealed class SharedLinkService(IDbContextFactory<PortalDbContext> contexts, AuditLog audit, PortalClock clock)
{
    public const string EntityType = "SharedLink";
    public const string PathPrefix = "/s/";

    /// <summary>Creates a link; by default it expires at the end of the sheet's day (IST).</summary>
    public async Task<Result<SharedLinkCreated>> CreateAsync(Caller caller, int routeId, DateOnly sheetDate, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var route = await db.Routes.AsNoTracking().SingleOrDefaultAsync(r => r.Id == routeId && r.IsActive, cancellationToken);
        if (route is null)
        {
            return new Problem("Choose an active route.", "RouteId");
        }
        if (sheetDate < clock.Today)
        {
            return new Problem("Links are for today's sheet or a later one.", "SheetDate");
        }
        // Stored as timestamptz, which Npgsql writes only from UTC; the end of the day comes in India's offset.
        var expiry = (expiresAt ?? clock.EndOfDay(sheetDate)).ToUniversalTime();
        if (expiry <= clock.UtcNow)
        {
            return new Problem("The link would already have expired.", "ExpiresAt");
        }
        if (expiry > clock.EndOfDay(sheetDate.AddDays(1)))
        {
            return new Problem("A link can last until the end of the next day at most.", "ExpiresAt");
        }
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));
        var link = new SharedLink
        {
            RouteId = routeId,
            SheetDate = sheetDate,
            TokenHash = Hash(token),
            ExpiresAt = expiry,
            CreatedByUserId = caller.UserId,
            CreatedAt = clock.UtcNow,
        };
        // The audit entry names the link by its id, known only once saved: two saves, one transaction.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.SharedLinks.Add(link);
        await db.SaveChangesAsync(cancellationToken);
        audit.Add(db, caller, AuditActions.SharedLinkCreated, EntityType, link.Id,
            $"Shared the {route.Name} sheet for {IndianFormats.Date(sheetDate)} until {clock.Format(expiry)}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<SharedLinkCreated>.Ok(new SharedLinkCreated(link.Id, token, expiry));
    }

    public async Task<Result<Unit>> RevokeAsync(Caller caller, int linkId, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var link = await db.SharedLinks.Include(l => l.Route).SingleOrDefaultAsync(l => l.Id == linkId, cancellationToken);
        if (link is null)
        {
            return new Problem("That link does not exist.");
        }
        if (link.RevokedAt is not null)
        {
            return Result.Ok();
        }
        link.RevokedAt = clock.UtcNow;
        audit.Add(db, caller, AuditActions.SharedLinkRevoked, EntityType, link.Id,
            $"Revoked the shared link to the {link.Route.Name} sheet for {IndianFormats.Date(link.SheetDate)}");
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }

    public async Task<IReadOnlyList<SharedLinkRow>> ListAsync(Caller caller, DateOnly from, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.UtcNow;
        return await db.SharedLinks.AsNoTracking()
            .Where(l => l.SheetDate >= from)
            .OrderByDescending(l => l.CreatedAt)
            .Select(l => new SharedLinkRow(l.Id, l.RouteId, l.Route.Name, l.SheetDate, l.CreatedAt, l.CreatedBy.DisplayName,
                l.ExpiresAt, l.RevokedAt, l.RevokedAt == null && l.ExpiresAt > now))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Opens a link from its token. Tampered, unknown, expired and revoked tokens are refused with the reason.</summary>
    public async Task<(OpenedLink? Link, LinkRefusal? Refusal)> OpenAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 64)
        {
            return (null, LinkRefusal.Unknown);
        }
        try
        {
            if (WebEncoders.Base64UrlDecode(token).Length != 16)
            {
                return (null, LinkRefusal.Unknown);
            }
        }
        catch (FormatException)
        {
            return (null, LinkRefusal.Unknown);
        }
        var hash = Hash(token);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var link = await db.SharedLinks.AsNoTracking().Include(l => l.Route).SingleOrDefaultAsync(l => l.TokenHash == hash, cancellationToken);
        if (link is null)
        {
            return (null, LinkRefusal.Unknown);
        }
        if (link.RevokedAt is not null)
        {
            return (null, LinkRefusal.Revoked);
        }
        if (link.ExpiresAt <= clock.UtcNow)
        {
            return (null, LinkRefusal.Expired);
        }
        return (new OpenedLink(link.Id, link.RouteId, link.Route.Name, link.SheetDate, link.ExpiresAt), null);
    }

    private static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token));
}
