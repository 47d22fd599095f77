using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;

namespace Portal.Domain.Customers;

/// <summary>
/// The office's work on customers. A customer and their login are created, linked and changed together,
/// in one transaction: there is never a customer who cannot sign in, nor half of one.
/// </summary>
public sealed class CustomerService(
    IServiceScopeFactory scopes,
    IDbContextFactory<PortalDbContext> contexts,
    AuditLog audit,
    TimeProvider time,
    IOptions<PortalOptions> options)
{
    public const string ActivationPath = "/Account/Activate";
    public const string EntityType = "Customer";

    private static readonly CustomerInputValidator Validator = new();

    public async Task<Result<int>> CreateAsync(Caller caller, CustomerInput input, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        var invalid = await ValidateAsync(input, cancellationToken);
        if (invalid.Count > 0)
        {
            return Result<int>.Fail(invalid);
        }
        var mobile = MobileNumber.Normalise(input.Mobile)!;
        var email = NormaliseEmail(input.Email);

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var clash = await FindClashesAsync(db, mobile, email, exceptUserId: input.ExistingUserId, exceptCustomerId: null, cancellationToken);
        if (clash.Count > 0)
        {
            return Result<int>.Fail(clash);
        }
        if (await CheckRouteAsync(db, input, cancellationToken) is { } routeProblem)
        {
            return routeProblem;
        }

        var now = time.GetUtcNow();
        PortalUser user;
        if (input.ExistingUserId is { } existingId)
        {
            var existing = await db.Users.Include(u => u.Customer).SingleOrDefaultAsync(u => u.Id == existingId, cancellationToken);
            if (existing is null || existing.Customer is not null || !await users.IsInRoleAsync(existing, Roles.Customer))
            {
                return new Problem("That login cannot be linked: it is not a customer login without a customer.", nameof(CustomerInput.ExistingUserId));
            }
            user = existing;
            user.UserName = mobile;
            user.Email = email;
            user.PhoneNumber = mobile;
            user.DisplayName = input.Name.Trim();
            var updated = await users.UpdateAsync(user);
            if (!updated.Succeeded)
            {
                return Result<int>.Fail(IdentityProblems(updated));
            }
        }
        else
        {
            user = new PortalUser
            {
                UserName = mobile,
                Email = email,
                PhoneNumber = mobile,
                DisplayName = input.Name.Trim(),
                CreatedAt = now,
                LockoutEnabled = true,
            };
            var created = await users.CreateAsync(user);
            if (!created.Succeeded)
            {
                return Result<int>.Fail(IdentityProblems(created));
            }
            var role = await users.AddToRoleAsync(user, Roles.Customer);
            if (!role.Succeeded)
            {
                return Result<int>.Fail(IdentityProblems(role));
            }
        }

        var customer = new Customer
        {
            Name = input.Name.Trim(),
            Mobile = mobile,
            Email = email,
            Address = ToAddress(input),
            RouteId = input.RouteId,
            StopOrder = input.RouteId is null ? null : input.StopOrder ?? await NextStopAsync(db, input.RouteId.Value, cancellationToken),
            UserId = user.Id,
            CreatedAt = now,
        };
        db.Customers.Add(customer);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            audit.Add(db, caller, AuditActions.CustomerCreated, EntityType, customer.Id,
                $"Created customer {customer.Name} ({customer.Mobile})", customer.Id, after: Snapshot(customer));
            if (input.ExistingUserId is not null)
            {
                audit.Add(db, caller, AuditActions.AccountLinked, EntityType, customer.Id,
                    $"Linked existing login to {customer.Name}", customer.Id);
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            return UniqueProblem(unique);
        }
        return Result<int>.Ok(customer.Id);
    }

    public async Task<Result<Unit>> UpdateAsync(Caller caller, int customerId, CustomerInput input, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        var invalid = await ValidateAsync(input, cancellationToken);
        if (invalid.Count > 0)
        {
            return Result<Unit>.Fail(invalid);
        }
        var mobile = MobileNumber.Normalise(input.Mobile)!;
        var email = NormaliseEmail(input.Email);

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var customer = await db.Customers.Include(c => c.User).SingleOrDefaultAsync(c => c.Id == customerId, cancellationToken);
        if (customer is null)
        {
            return new Problem("That customer does not exist.");
        }
        db.Entry(customer).Property(c => c.Version).OriginalValue = input.Version;

        var clash = await FindClashesAsync(db, mobile, email, customer.UserId, customer.Id, cancellationToken);
        if (clash.Count > 0)
        {
            return Result<Unit>.Fail(clash);
        }
        if (input.RouteId != customer.RouteId && await CheckRouteAsync(db, input, cancellationToken) is { } routeProblem)
        {
            return routeProblem;
        }

        var before = Snapshot(customer);
        customer.Name = input.Name.Trim();
        customer.Mobile = mobile;
        customer.Email = email;
        customer.Address = ToAddress(input);
        if (input.RouteId != customer.RouteId)
        {
            customer.RouteId = input.RouteId;
            customer.StopOrder = input.RouteId is null ? null : input.StopOrder ?? await NextStopAsync(db, input.RouteId.Value, cancellationToken);
        }
        else if (input.RouteId is not null && input.StopOrder is not null)
        {
            customer.StopOrder = input.StopOrder;
        }

        var user = customer.User;
        if (user.UserName != mobile || user.Email != email || user.DisplayName != customer.Name)
        {
            user.UserName = mobile;
            user.PhoneNumber = mobile;
            user.Email = email;
            user.DisplayName = customer.Name;
            var updated = await users.UpdateAsync(user);
            if (!updated.Succeeded)
            {
                return Result<Unit>.Fail(IdentityProblems(updated));
            }
        }

        var after = Snapshot(customer);
        var (changedBefore, changedAfter) = Diff(before, after);
        if (changedAfter.Count > 0)
        {
            audit.Add(db, caller, AuditActions.CustomerEdited, EntityType, customer.Id,
                $"Edited {customer.Name}: {string.Join(", ", changedAfter.Keys)}", customer.Id, changedBefore, changedAfter);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Problem(ConcurrencyMessages.ChangedBySomeoneElse);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            return UniqueProblem(unique);
        }
        return Result.Ok();
    }

    /// <summary>Disables the login and marks the customer inactive. Nothing is deleted; their history stays.</summary>
    public Task<Result<Unit>> DeactivateAsync(Caller caller, int customerId, CancellationToken cancellationToken = default) =>
        SetActiveAsync(caller, customerId, active: false, cancellationToken);

    public Task<Result<Unit>> ReactivateAsync(Caller caller, int customerId, CancellationToken cancellationToken = default) =>
        SetActiveAsync(caller, customerId, active: true, cancellationToken);

    private Task<Result<Unit>> SetActiveAsync(Caller caller, int customerId, bool active, CancellationToken cancellationToken) =>
        OnAccountAsync<Unit>(caller, customerId, async (db, users, customer) =>
    {
        var status = active ? CustomerStatus.Active : CustomerStatus.Inactive;
        if (customer.Status == status && customer.User.IsDisabled == !active)
        {
            return Result.Ok();
        }
        customer.Status = status;
        customer.User.IsDisabled = !active;
        // A new security stamp signs the customer out of any open page within a minute.
        await users.UpdateSecurityStampAsync(customer.User);
        audit.Add(db, caller, active ? AuditActions.CustomerReactivated : AuditActions.CustomerDeactivated, EntityType, customer.Id,
            active ? $"Reactivated {customer.Name}" : $"Deactivated {customer.Name}; their login is disabled", customer.Id,
            new { Status = (!active ? CustomerStatus.Active : CustomerStatus.Inactive).ToString() }, new { Status = status.ToString() });
        return Result.Ok();
    }, cancellationToken);

    /// <summary>
    /// A set-password link for the customer, valid for the configured number of days (7 by default). It also serves
    /// as "reset password": using it replaces whatever password there was, and it stops working once used.
    /// </summary>
    public Task<Result<ActivationLink>> CreateActivationLinkAsync(Caller caller, int customerId, CancellationToken cancellationToken = default) =>
        OnAccountAsync<ActivationLink>(caller, customerId, async (db, users, customer) =>
    {
        if (customer.User.IsDisabled)
        {
            return new Problem("This customer is deactivated. Reactivate them before sending a link.");
        }
        var token = await users.GeneratePasswordResetTokenAsync(customer.User);
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        var expires = time.GetUtcNow().AddDays(options.Value.ActivationLinkDays);
        audit.Add(db, caller, AuditActions.ActivationLinkIssued, EntityType, customer.Id,
            $"Issued a set-password link for {customer.Name}, valid until {expires:u}", customer.Id);
        return Result<ActivationLink>.Ok(new ActivationLink($"{ActivationPath}?user={Uri.EscapeDataString(customer.UserId)}&code={code}", expires));
    }, cancellationToken);

    /// <summary>Sets a password staff hand over in person; the customer must choose their own at first sign-in.</summary>
    public Task<Result<Unit>> SetInitialPasswordAsync(Caller caller, int customerId, string password, CancellationToken cancellationToken = default) =>
        OnAccountAsync<Unit>(caller, customerId, async (db, users, customer) =>
    {
        var user = customer.User;
        foreach (var validator in users.PasswordValidators)
        {
            var check = await validator.ValidateAsync(users, user, password);
            if (!check.Succeeded)
            {
                return Result<Unit>.Fail(check.Errors.Select(e => new Problem(e.Description, "Password")));
            }
        }
        if (await users.HasPasswordAsync(user))
        {
            await users.RemovePasswordAsync(user);
        }
        var added = await users.AddPasswordAsync(user, password);
        if (!added.Succeeded)
        {
            return Result<Unit>.Fail(added.Errors.Select(e => new Problem(e.Description, "Password")));
        }
        user.MustChangePassword = true;
        await users.UpdateAsync(user);
        audit.Add(db, caller, AuditActions.InitialPasswordSet, EntityType, customer.Id,
            $"Set an initial password for {customer.Name}; they must change it at first sign-in", customer.Id);
        return Result.Ok();
    }, cancellationToken);

    public Task<Result<Unit>> UnlockAsync(Caller caller, int customerId, CancellationToken cancellationToken = default) =>
        OnAccountAsync<Unit>(caller, customerId, async (db, users, customer) =>
    {
        await users.SetLockoutEndDateAsync(customer.User, null);
        await users.ResetAccessFailedCountAsync(customer.User);
        audit.Add(db, caller, AuditActions.AccountUnlocked, EntityType, customer.Id, $"Unlocked the login of {customer.Name}", customer.Id);
        return Result.Ok();
    }, cancellationToken);

    /// <summary>
    /// Runs a change to a customer's login in one transaction, with the context and the user manager sharing it.
    /// The change's own audit entry is saved with it; a refusal leaves nothing behind.
    /// </summary>
    private async Task<Result<T>> OnAccountAsync<T>(
        Caller caller, int customerId, Func<PortalDbContext, UserManager<PortalUser>, Customer, Task<Result<T>>> change, CancellationToken cancellationToken)
    {
        caller.Require(Roles.Office);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var customer = await db.Customers.Include(c => c.User).SingleOrDefaultAsync(c => c.Id == customerId, cancellationToken);
        if (customer is null)
        {
            return new Problem("That customer does not exist.");
        }
        var result = await change(db, users, customer);
        if (result.Succeeded)
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return result;
    }

    public async Task<CustomerPage> SearchAsync(Caller caller, CustomerQuery query, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await SearchAsync(db, query, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>The grid's query: filter, count, sort and one page, all in PostgreSQL.</summary>
    internal static async Task<CustomerPage> SearchAsync(PortalDbContext db, CustomerQuery query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var customers = db.Customers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var text = query.Search.Trim();
            var pattern = $"%{Like.Escape(text)}%";
            var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
            if (digits.Length == text.Replace(" ", "", StringComparison.Ordinal).Length && digits.Length > 0)
            {
                // Only digits: a mobile number or a PIN code, or part of one.
                var digitPattern = $"%{digits}%";
                customers = customers.Where(c => EF.Functions.Like(c.Mobile, digitPattern) || EF.Functions.Like(c.Address.PinCode, digitPattern));
            }
            else
            {
                var lowered = pattern.ToLowerInvariant();
                customers = customers.Where(c => EF.Functions.Like(c.SearchText, lowered));
            }
        }
        if (query.WithoutRoute)
        {
            customers = customers.Where(c => c.RouteId == null);
        }
        else if (query.RouteId is { } routeId)
        {
            customers = customers.Where(c => c.RouteId == routeId);
        }
        if (query.Status is { } status)
        {
            customers = customers.Where(c => c.Status == status);
        }
        if (query.WithoutPassword)
        {
            customers = customers.Where(c => c.User.PasswordHash == null);
        }

        var total = await customers.CountAsync(cancellationToken);
        customers = (query.SortBy, query.Descending) switch
        {
            (CustomerSort.Mobile, false) => customers.OrderBy(c => c.Mobile),
            (CustomerSort.Mobile, true) => customers.OrderByDescending(c => c.Mobile),
            (CustomerSort.Area, false) => customers.OrderBy(c => c.Address.Area).ThenBy(c => c.Name),
            (CustomerSort.Area, true) => customers.OrderByDescending(c => c.Address.Area).ThenBy(c => c.Name),
            (CustomerSort.PinCode, false) => customers.OrderBy(c => c.Address.PinCode).ThenBy(c => c.Name),
            (CustomerSort.PinCode, true) => customers.OrderByDescending(c => c.Address.PinCode).ThenBy(c => c.Name),
            (CustomerSort.Route, false) => customers.OrderBy(c => c.Route!.Name).ThenBy(c => c.StopOrder),
            (CustomerSort.Route, true) => customers.OrderByDescending(c => c.Route!.Name).ThenBy(c => c.StopOrder),
            (CustomerSort.Created, false) => customers.OrderBy(c => c.CreatedAt),
            (CustomerSort.Created, true) => customers.OrderByDescending(c => c.CreatedAt),
            (_, false) => customers.OrderBy(c => c.Name).ThenBy(c => c.Id),
            (_, true) => customers.OrderByDescending(c => c.Name).ThenBy(c => c.Id),
        };
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var rows = await customers
            .Skip(Math.Max(query.Page, 0) * pageSize)
            .Take(pageSize)
            .Select(c => new CustomerRow(
                c.Id, c.Name, c.Mobile, c.Email, c.Address.Area, c.Address.PinCode,
                c.Route == null ? null : c.Route.Name, c.StopOrder, c.Status,
                c.User.PasswordHash != null,
                c.User.LockoutEnd != null && c.User.LockoutEnd > now))
            .ToListAsync(cancellationToken);
        return new CustomerPage(rows, total);
    }

    public async Task<CustomerDetails?> GetAsync(Caller caller, int customerId, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var row = await db.Customers.AsNoTracking()
            .Where(c => c.Id == customerId)
            .Select(c => new
            {
                c.Id, c.Name, c.Mobile, c.Email, c.Address, c.RouteId, RouteName = c.Route == null ? null : c.Route.Name,
                c.StopOrder, c.Status, c.CreatedAt, c.Version, c.UserId, c.User.UserName,
                HasPassword = c.User.PasswordHash != null, c.User.LockoutEnd, c.User.IsDisabled, c.User.LastSignInAt, c.User.MustChangePassword,
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }
        var locked = row.LockoutEnd is { } end && end > now;
        var state = row.IsDisabled ? AccountState.Disabled
            : locked ? AccountState.Locked
            : row.HasPassword ? AccountState.Active
            : AccountState.ActivationPending;
        return new CustomerDetails(row.Id, row.Name, row.Mobile, row.Email, row.Address, row.RouteId, row.RouteName, row.StopOrder,
            row.Status, row.CreatedAt, row.Version, row.UserId, row.UserName ?? "", state, locked ? row.LockoutEnd : null,
            row.LastSignInAt, row.MustChangePassword);
    }

    /// <summary>Customer logins that have no customer yet: they can be linked instead of creating a second login.</summary>
    public async Task<IReadOnlyList<LinkCandidate>> LinkCandidatesAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var customerRole = db.Roles.Where(r => r.Name == Roles.Customer).Select(r => r.Id);
        return await db.Users.AsNoTracking()
            .Where(u => u.Customer == null && db.UserRoles.Any(ur => ur.UserId == u.Id && customerRole.Contains(ur.RoleId)))
            .OrderBy(u => u.DisplayName)
            .Select(u => new LinkCandidate(u.Id, u.UserName ?? "", u.DisplayName, u.Email))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The active routes, for pickers.</summary>
    public async Task<IReadOnlyList<RouteOption>> RouteOptionsAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Routes.AsNoTracking().Where(r => r.IsActive).OrderBy(r => r.Name)
            .Select(r => new RouteOption(r.Id, r.Name, r.Customers.Count(c => c.Status == CustomerStatus.Active)))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// A customer opening their activation link sets their password. The token in the link is the credential;
    /// it works once and expires after the configured number of days.
    /// </summary>
    public async Task<Result<string>> ActivateAsync(string userId, string code, string password, CancellationToken cancellationToken = default)
    {
        const string expired = "This link has expired or has already been used. Ask the office for a new one.";
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await db.Users.Include(u => u.Customer).SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null || user.IsDisabled)
        {
            return new Problem(expired);
        }
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return new Problem(expired);
        }
        var reset = await users.ResetPasswordAsync(user, token, password);
        if (!reset.Succeeded)
        {
            return reset.Errors.Any(e => e.Code == "InvalidToken")
                ? new Problem(expired)
                : Result<string>.Fail(reset.Errors.Select(e => new Problem(e.Description, "Password")));
        }
        user.MustChangePassword = false;
        await users.SetLockoutEndDateAsync(user, null);
        await users.UpdateAsync(user);
        audit.Add(db, new Caller(user.Id, user.DisplayName, new HashSet<string> { Roles.Customer }), AuditActions.AccountActivated,
            EntityType, user.Customer?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? user.Id,
            $"{user.DisplayName} set their password", user.Customer?.Id);
        await db.SaveChangesAsync(cancellationToken);
        return Result<string>.Ok(user.UserName ?? "");
    }

    private static async Task<List<Problem>> ValidateAsync(CustomerInput input, CancellationToken cancellationToken)
    {
        var result = await Validator.ValidateAsync(input, cancellationToken);
        return result.Errors.Select(e => new Problem(e.ErrorMessage, e.PropertyName)).ToList();
    }

    private static async Task<List<Problem>> FindClashesAsync(
        PortalDbContext db, string mobile, string? email, string? exceptUserId, int? exceptCustomerId, CancellationToken cancellationToken)
    {
        var problems = new List<Problem>();
        var mobileTaken = await db.Customers.AnyAsync(c => c.Mobile == mobile && c.Id != exceptCustomerId, cancellationToken)
            || await db.Users.AnyAsync(u => u.UserName == mobile && u.Id != exceptUserId, cancellationToken);
        if (mobileTaken)
        {
            problems.Add(new Problem("This mobile number is already used by another account.", nameof(CustomerInput.Mobile)));
        }
        if (email is not null)
        {
            var normalised = email.ToUpperInvariant();
            var emailTaken = await db.Customers.AnyAsync(c => c.Email == email && c.Id != exceptCustomerId, cancellationToken)
                || await db.Users.AnyAsync(u => u.NormalizedEmail == normalised && u.Id != exceptUserId, cancellationToken);
            if (emailTaken)
            {
                problems.Add(new Problem("This email is already used by another account.", nameof(CustomerInput.Email)));
            }
        }
        return problems;
    }

    private static async Task<Problem?> CheckRouteAsync(PortalDbContext db, CustomerInput input, CancellationToken cancellationToken)
    {
        if (input.RouteId is { } routeId && !await db.Routes.AnyAsync(r => r.Id == routeId && r.IsActive, cancellationToken))
        {
            return new Problem("Choose one of the active routes.", nameof(CustomerInput.RouteId));
        }
        return null;
    }

    private static async Task<int> NextStopAsync(PortalDbContext db, int routeId, CancellationToken cancellationToken) =>
        (await db.Customers.Where(c => c.RouteId == routeId).MaxAsync(c => c.StopOrder, cancellationToken) ?? 0) + 1;

    private static Address ToAddress(CustomerInput input) => new()
    {
        Line = input.AddressLine.Trim(),
        Area = input.Area.Trim(),
        City = input.City.Trim(),
        PinCode = input.PinCode.Trim(),
    };

    private static string? NormaliseEmail(string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();

    private static Dictionary<string, string?> Snapshot(Customer c) => new()
    {
        ["Name"] = c.Name,
        ["Mobile"] = c.Mobile,
        ["Email"] = c.Email,
        ["Address"] = c.Address.Line,
        ["Area"] = c.Address.Area,
        ["City"] = c.Address.City,
        ["PIN code"] = c.Address.PinCode,
        ["Route"] = c.RouteId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Stop"] = c.StopOrder?.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static (Dictionary<string, string?> Before, Dictionary<string, string?> After) Diff(
        Dictionary<string, string?> before, Dictionary<string, string?> after)
    {
        var changed = after.Keys.Where(k => before[k] != after[k]).ToList();
        return (changed.ToDictionary(k => k, k => before[k]), changed.ToDictionary(k => k, k => after[k]));
    }

    private static IEnumerable<Problem> IdentityProblems(IdentityResult result) =>
        result.Errors.Select(e => e.Code switch
        {
            "DuplicateUserName" => new Problem("This mobile number is already used by another account.", nameof(CustomerInput.Mobile)),
            "DuplicateEmail" => new Problem("This email is already used by another account.", nameof(CustomerInput.Email)),
            "ConcurrencyFailure" => new Problem(ConcurrencyMessages.ChangedBySomeoneElse),
            _ => new Problem(e.Description),
        });

    private static Problem UniqueProblem(PostgresException unique) =>
        unique.ConstraintName switch
        {
            "ix_customers_email" or "EmailIndex" => new Problem("This email is already used by another account.", nameof(CustomerInput.Email)),
            _ => new Problem("This mobile number is already used by another account.", nameof(CustomerInput.Mobile)),
        };
}
