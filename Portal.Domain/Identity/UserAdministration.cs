using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Data;

namespace Portal.Domain.Identity;

public enum UserSort
{
    Name,
    UserName,
    LastSignIn,
    Created,
}

/// <summary>
/// One page of the users list. <see cref="Role"/> narrows to one role; without it the list shows office and delivery accounts
/// (everyone but customer-only logins) unless <see cref="IncludeCustomers"/> asks for everybody.
/// </summary>
public sealed record UserQuery(
    int Page = 0,
    int PageSize = 25,
    string? Search = null,
    string? Role = null,
    bool IncludeCustomers = false,
    UserSort SortBy = UserSort.Name,
    bool Descending = false);

public sealed record UserRow(
    string Id,
    string DisplayName,
    string UserName,
    string? Email,
    string? Mobile,
    IReadOnlyList<string> Roles,
    bool IsDisabled,
    DateTimeOffset? LockedOutUntil,
    DateTimeOffset? LastSignInAt,
    bool HasPassword,
    bool MustChangePassword,
    int? CustomerId,
    DateTimeOffset CreatedAt)
{
    public bool IsLockedOut => LockedOutUntil is not null;

    /// <summary>The roles an admin may change here (everything but Customer).</summary>
    public IEnumerable<string> OfficeRoles => Roles.Where(r => r != Identity.Roles.Customer);
}

public sealed record UserPage(IReadOnlyList<UserRow> Rows, int Total);

/// <summary>
/// Office, manager, delivery and admin accounts and their roles. Admin only. Customers' logins are created with their
/// customer record (<see cref="CustomerService"/>); here an admin can still unlock or disable one, but never gives or takes the Customer role.
/// </summary>
public sealed class UserAdministration(
    IServiceScopeFactory scopes,
    IDbContextFactory<PortalDbContext> contexts,
    AuditLog audit,
    TimeProvider time)
{
    public const string EntityType = "User";

    /// <summary>
    /// Changes that could leave the portal without an enabled admin take this transaction-scoped lock, so two admins
    /// demoting each other at the same moment cannot both succeed.
    /// </summary>
    private const long AdminChangesLock = 0x5057_4C55_5345_5253;

    private static readonly NewUserInputValidator NewUserValidator = new();
    private static readonly RolesInputValidator RolesValidator = new();
    private static readonly Problem NoSuchUser = new("That user does not exist.");
    private static readonly Problem EmailTaken = new("This email is already used by another account.", nameof(NewUserInput.Email));

    public async Task<UserPage> ListAsync(Caller caller, UserQuery query, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Admin);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var roleIds = await db.Roles.AsNoTracking().ToDictionaryAsync(r => r.Name!, r => r.Id, cancellationToken);

        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var text = query.Search.Trim();
            var pattern = $"%{Like.Escape(text)}%";
            var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
            if (digits.Length > 0 && digits.Length == text.Count(c => !char.IsWhiteSpace(c)))
            {
                var digitPattern = $"%{digits}%";
                users = users.Where(u => EF.Functions.Like(u.PhoneNumber!, digitPattern) || EF.Functions.Like(u.UserName!, digitPattern));
            }
            else
            {
                users = users.Where(u => EF.Functions.ILike(u.DisplayName, pattern)
                    || EF.Functions.ILike(u.UserName!, pattern)
                    || EF.Functions.ILike(u.Email!, pattern));
            }
        }
        if (query.Role is { } role)
        {
            var roleId = roleIds.GetValueOrDefault(role) ?? "";
            users = users.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == roleId));
        }
        else if (!query.IncludeCustomers)
        {
            var customerRoleId = roleIds.GetValueOrDefault(Roles.Customer) ?? "";
            users = users.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId != customerRoleId)
                || !db.UserRoles.Any(ur => ur.UserId == u.Id));
        }

        var total = await users.CountAsync(cancellationToken);
        users = (query.SortBy, query.Descending) switch
        {
            (UserSort.UserName, false) => users.OrderBy(u => u.UserName),
            (UserSort.UserName, true) => users.OrderByDescending(u => u.UserName),
            // Never signed in sorts as the oldest.
            (UserSort.LastSignIn, false) => users.OrderBy(u => u.LastSignInAt.HasValue).ThenBy(u => u.LastSignInAt).ThenBy(u => u.DisplayName),
            (UserSort.LastSignIn, true) => users.OrderByDescending(u => u.LastSignInAt.HasValue).ThenByDescending(u => u.LastSignInAt).ThenBy(u => u.DisplayName),
            (UserSort.Created, false) => users.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id),
            (UserSort.Created, true) => users.OrderByDescending(u => u.CreatedAt).ThenBy(u => u.Id),
            (_, false) => users.OrderBy(u => u.DisplayName).ThenBy(u => u.Id),
            (_, true) => users.OrderByDescending(u => u.DisplayName).ThenBy(u => u.Id),
        };
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var page = await users
            .Skip(Math.Max(query.Page, 0) * pageSize)
            .Take(pageSize)
            .Select(u => new
            {
                u.Id, u.DisplayName, u.UserName, u.Email, u.PhoneNumber, u.IsDisabled, u.LockoutEnd, u.LastSignInAt,
                HasPassword = u.PasswordHash != null, u.MustChangePassword, CustomerId = u.Customer == null ? (int?)null : u.Customer.Id,
                u.CreatedAt,
            })
            .ToListAsync(cancellationToken);

        var ids = page.Select(u => u.Id).ToList();
        var roleNames = roleIds.ToDictionary(r => r.Value, r => r.Key);
        var rolesByUser = (await db.UserRoles.AsNoTracking().Where(ur => ids.Contains(ur.UserId)).ToListAsync(cancellationToken))
            .ToLookup(ur => ur.UserId, ur => roleNames.GetValueOrDefault(ur.RoleId) ?? "");
        var rows = page.Select(u => new UserRow(
                u.Id, u.DisplayName, u.UserName ?? "", u.Email, u.PhoneNumber, InRoleOrder(rolesByUser[u.Id]), u.IsDisabled,
                u.LockoutEnd is { } end && end > now ? end : null, u.LastSignInAt, u.HasPassword, u.MustChangePassword,
                u.CustomerId, u.CreatedAt))
            .ToList();
        return new UserPage(rows, total);
    }

    /// <summary>
    /// Creates an office or delivery account that signs in with its email. The initial password must be changed at first sign-in.
    /// Returns the new user's id.
    /// </summary>
    public async Task<Result<string>> CreateAsync(Caller caller, NewUserInput input, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Admin);
        var validation = await NewUserValidator.ValidateAsync(input, cancellationToken);
        if (!validation.IsValid)
        {
            return Result<string>.Fail(validation.Errors.Select(e => new Problem(e.ErrorMessage, e.PropertyName)));
        }
        var email = input.Email.Trim().ToLowerInvariant();
        var mobile = MobileNumber.Normalise(input.Mobile);
        var name = input.DisplayName.Trim();

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();

        var user = new PortalUser
        {
            UserName = email,
            Email = email,
            PhoneNumber = mobile,
            DisplayName = name,
            CreatedAt = time.GetUtcNow(),
            LockoutEnabled = true,
            MustChangePassword = true,
        };
        var problems = new List<Problem>();
        foreach (var validator in users.PasswordValidators)
        {
            var check = await validator.ValidateAsync(users, user, input.Password);
            problems.AddRange(check.Errors.Select(e => new Problem(e.Description, nameof(NewUserInput.Password))));
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await EmailTakenAsync(db, email, cancellationToken))
        {
            problems.Add(EmailTaken);
        }
        if (problems.Count > 0)
        {
            return Result<string>.Fail(problems);
        }

        var roles = InRoleOrder(input.Roles);
        try
        {
            var created = await users.CreateAsync(user, input.Password);
            if (!created.Succeeded)
            {
                return Result<string>.Fail(IdentityProblems(created));
            }
            var added = await users.AddToRolesAsync(user, roles);
            if (!added.Succeeded)
            {
                return Result<string>.Fail(IdentityProblems(added));
            }
            audit.Add(db, caller, AuditActions.UserCreated, EntityType, user.Id,
                $"Created the account of {name} ({email}) as {DescribeRoles(roles)}",
                after: new { Name = name, Email = email, Mobile = mobile, Roles = roles });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Someone took the email between the check and the insert.
            return EmailTaken;
        }
        return Result<string>.Ok(user.Id);
    }

    /// <summary>
    /// Sets the user's roles to exactly <see cref="RolesInput.Roles"/>, leaving a Customer role as it is. The person is signed
    /// out of open pages within a minute, so new or removed roles take effect at once.
    /// </summary>
    public async Task<Result<Unit>> ChangeRolesAsync(Caller caller, string userId, RolesInput input, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Admin);
        var validation = await RolesValidator.ValidateAsync(input, cancellationToken);
        if (!validation.IsValid)
        {
            return Result<Unit>.Fail(validation.Errors.Select(e => new Problem(e.ErrorMessage, nameof(RolesInput.Roles))));
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockAdminChangesAsync(db, cancellationToken);

        var user = await db.Users.Include(u => u.Customer).SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return NoSuchUser;
        }
        var before = InRoleOrder(await users.GetRolesAsync(user));
        var isCustomer = before.Contains(Roles.Customer);
        var office = before.Where(r => r != Roles.Customer).ToHashSet(StringComparer.Ordinal);
        if (input.Before is not null && !input.Before.SetEquals(office))
        {
            return new Problem(ConcurrencyMessages.ChangedBySomeoneElse);
        }
        var wanted = input.Roles;
        if (wanted.Count == 0 && !isCustomer)
        {
            return new Problem("Choose at least one role. To stop someone signing in, disable their account instead.", nameof(RolesInput.Roles));
        }
        var losesAdmin = before.Contains(Roles.Admin) && !wanted.Contains(Roles.Admin);
        if (losesAdmin && user.Id == caller.UserId)
        {
            return new Problem("You cannot remove your own Admin role. Ask another admin to do it.", nameof(RolesInput.Roles));
        }
        if (losesAdmin && !user.IsDisabled && !await AnotherEnabledAdminAsync(db, user.Id, cancellationToken))
        {
            return new Problem($"{user.DisplayName} is the last enabled admin. Make someone else an admin first.", nameof(RolesInput.Roles));
        }

        var remove = office.Except(wanted).ToList();
        var add = wanted.Except(office).ToList();
        if (remove.Count == 0 && add.Count == 0)
        {
            return Result.Ok();
        }
        if (remove.Count > 0)
        {
            var removed = await users.RemoveFromRolesAsync(user, remove);
            if (!removed.Succeeded)
            {
                return Result<Unit>.Fail(IdentityProblems(removed));
            }
        }
        if (add.Count > 0)
        {
            var added = await users.AddToRolesAsync(user, add);
            if (!added.Succeeded)
            {
                return Result<Unit>.Fail(IdentityProblems(added));
            }
        }
        // The roles are in the sign-in cookie; a new stamp makes open pages sign in again and pick up the new ones.
        await users.UpdateSecurityStampAsync(user);

        var after = InRoleOrder(office.Except(remove).Concat(add).Concat(isCustomer ? [Roles.Customer] : []));
        audit.Add(db, caller, AuditActions.RolesChanged, EntityType, user.Id,
            $"Changed the roles of {user.DisplayName}: {DescribeRoles(before)} → {DescribeRoles(after)}",
            user.Customer?.Id, new { Roles = before }, new { Roles = after });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result.Ok();
    }

    /// <summary>The account can no longer sign in, and its open pages are signed out within a minute (new security stamp).</summary>
    public async Task<Result<Unit>> DisableAsync(Caller caller, string userId, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Admin);
        if (userId == caller.UserId)
        {
            return new Problem("You cannot disable your own account. Ask another admin to do it.");
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockAdminChangesAsync(db, cancellationToken);

        var user = await db.Users.Include(u => u.Customer).SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return NoSuchUser;
        }
        if (user.IsDisabled)
        {
            return Result.Ok();
        }
        if (await users.IsInRoleAsync(user, Roles.Admin) && !await AnotherEnabledAdminAsync(db, user.Id, cancellationToken))
        {
            return new Problem($"{user.DisplayName} is the last enabled admin and cannot be disabled. Make someone else an admin first.");
        }
        user.IsDisabled = true;
        await users.UpdateSecurityStampAsync(user);
        audit.Add(db, caller, AuditActions.UserDisabled, EntityType, user.Id,
            $"Disabled the account of {user.DisplayName} ({user.UserName})", user.Customer?.Id,
            new { Disabled = false }, new { Disabled = true });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result.Ok();
    }

    public async Task<Result<Unit>> EnableAsync(Caller caller, string userId, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Admin);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var user = await db.Users.Include(u => u.Customer).SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return NoSuchUser;
        }
        if (!user.IsDisabled)
        {
            return Result.Ok();
        }
        if (user.Customer is { Status: CustomerStatus.Inactive })
        {
            return new Problem("This is the login of a deactivated customer. Reactivate the customer on their page to let them sign in again.");
        }
        user.IsDisabled = false;
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded)
        {
            return Result<Unit>.Fail(IdentityProblems(updated));
        }
        audit.Add(db, caller, AuditActions.UserEnabled, EntityType, user.Id,
            $"Enabled the account of {user.DisplayName} ({user.UserName})", user.Customer?.Id,
            new { Disabled = true }, new { Disabled = false });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result.Ok();
    }

    /// <summary>Ends a lockout after too many wrong passwords and forgets the failed attempts.</summary>
    public async Task<Result<Unit>> UnlockAsync(Caller caller, string userId, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Admin);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var user = await db.Users.Include(u => u.Customer).SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return NoSuchUser;
        }
        var lockedUntil = user.LockoutEnd is { } end && end > time.GetUtcNow() ? end : (DateTimeOffset?)null;
        if (lockedUntil is null && user.AccessFailedCount == 0)
        {
            return Result.Ok();
        }
        var unlocked = await users.SetLockoutEndDateAsync(user, null);
        if (!unlocked.Succeeded)
        {
            return Result<Unit>.Fail(IdentityProblems(unlocked));
        }
        await users.ResetAccessFailedCountAsync(user);
        audit.Add(db, caller, AuditActions.AccountUnlocked, EntityType, user.Id,
            lockedUntil is null
                ? $"Cleared the failed sign-in attempts of {user.DisplayName} ({user.UserName})"
                : $"Unlocked the account of {user.DisplayName} ({user.UserName})",
            user.Customer?.Id,
            new { LockedUntil = lockedUntil, FailedAttempts = user.AccessFailedCount }, new { LockedUntil = (DateTimeOffset?)null, FailedAttempts = 0 });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result.Ok();
    }

    private static async Task<bool> EmailTakenAsync(PortalDbContext db, string email, CancellationToken cancellationToken)
    {
        var normalised = email.ToUpperInvariant();
        return await db.Users.AnyAsync(u => u.NormalizedUserName == normalised || u.NormalizedEmail == normalised, cancellationToken)
            || await db.Customers.AnyAsync(c => c.Email == email, cancellationToken);
    }

    private static Task LockAdminChangesAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AdminChangesLock})", cancellationToken);

    private static Task<bool> AnotherEnabledAdminAsync(PortalDbContext db, string userId, CancellationToken cancellationToken)
    {
        var adminRole = db.Roles.Where(r => r.Name == Roles.Admin).Select(r => r.Id);
        return db.Users.AnyAsync(u => u.Id != userId && !u.IsDisabled
            && db.UserRoles.Any(ur => ur.UserId == u.Id && adminRole.Contains(ur.RoleId)), cancellationToken);
    }

    /// <summary>Roles in the order people think of them (Admin first, Customer last), not alphabetically.</summary>
    private static List<string> InRoleOrder(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet(StringComparer.Ordinal);
        return Roles.All.Where(set.Contains).Concat(set.Except(Roles.All).Order(StringComparer.Ordinal)).ToList();
    }

    private static string DescribeRoles(IReadOnlyCollection<string> roles) =>
        roles.Count == 0 ? "no role" : string.Join(", ", roles.Select(AssignableRoles.Label));

    private static IEnumerable<Problem> IdentityProblems(IdentityResult result) =>
        result.Errors.Select(e => e.Code switch
        {
            "DuplicateUserName" or "DuplicateEmail" => EmailTaken,
            "InvalidEmail" or "InvalidUserName" => new Problem("Enter a valid email, e.g. name@example.com.", nameof(NewUserInput.Email)),
            "ConcurrencyFailure" => new Problem(ConcurrencyMessages.ChangedBySomeoneElse),
            _ when e.Code.StartsWith("Password", StringComparison.Ordinal) => new Problem(e.Description, nameof(NewUserInput.Password)),
            _ => new Problem(e.Description),
        });
}
