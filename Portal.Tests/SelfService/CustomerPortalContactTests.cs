using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Identity;
using Portal.Domain.SelfService;
using Portal.Tests.Deliveries;
using Portal.Tests.Infrastructure;
using static Portal.Tests.SelfService.SelfServiceData;

namespace Portal.Tests.SelfService;

/// <summary>The customer changes their own email and address line; everything else about them changes through the office.</summary>
public sealed class CustomerPortalContactTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private IServiceScope scope = null!;

    private CustomerPortal Portal => scope.ServiceProvider.GetRequiredService<CustomerPortal>();

    public Task InitializeAsync()
    {
        fixture.Time.AdjustTime(TestServices.DefaultNow);
        scope = fixture.Services.CreateScope();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        scope.Dispose();
        return Task.CompletedTask;
    }

    private static string UniqueEmail(string name) => $"{name}.{TestData.Next()}@example.in";

    private async Task<Customer> CustomerAsync(string? email = null)
    {
        await using var db = fixture.CreateContext();
        var route = await TestData.AddRouteAsync(db);
        return await TestData.AddCustomerAsync(db, route, email: email ?? UniqueEmail("kavya"));
    }

    private async Task<ContactInput> FormFor(Customer customer)
    {
        var contact = await Portal.ContactAsync(CallerFor(customer));
        return new ContactInput { Email = contact.Email, AddressLine = contact.Address.Line, Version = contact.Version };
    }

    /// <summary>The customer row and its login as stored, to prove a refused change left both as they were.</summary>
    private async Task<(string? Email, string Line, uint Version, string? UserEmail, string? NormalizedEmail, string? Stamp)> StoredAsync(Customer customer)
    {
        await using var db = fixture.CreateContext();
        var row = await db.Customers.AsNoTracking().Where(c => c.Id == customer.Id)
            .Select(c => new { c.Email, c.Address.Line, c.Version, c.User.NormalizedEmail, UserEmail = c.User.Email, c.User.ConcurrencyStamp })
            .SingleAsync();
        return (row.Email, row.Line, row.Version, row.UserEmail, row.NormalizedEmail, row.ConcurrencyStamp);
    }

    [Fact]
    public async Task The_contact_details_are_the_signed_in_customers_own()
    {
        var customer = await CustomerAsync();
        await CustomerAsync();

        var contact = await Portal.ContactAsync(CallerFor(customer));

        await using var db = fixture.CreateContext();
        var stored = await db.Customers.AsNoTracking().Include(c => c.Route).SingleAsync(c => c.Id == customer.Id);
        Assert.Equal(
            (customer.Id, customer.Name, customer.Mobile, customer.Email, stored.Route!.Name, stored.Version),
            (contact.CustomerId, contact.Name, contact.Mobile, contact.Email, contact.RouteName, contact.Version));
        Assert.Equal(
            (stored.Address.Line, stored.Address.Area, stored.Address.City, stored.Address.PinCode),
            (contact.Address.Line, contact.Address.Area, contact.Address.City, contact.Address.PinCode));
    }

    [Fact]
    public async Task A_new_email_and_address_are_saved_on_the_customer_and_their_login_so_signing_in_by_the_new_email_works()
    {
        var customer = await CustomerAsync();
        var before = await StoredAsync(customer);
        var input = await FormFor(customer);
        var newEmail = UniqueEmail("Kavya.Nair");
        input.Email = $"  {newEmail}  ";
        input.AddressLine = "  Flat 4B, Lakeview Apartments, 5th Main  ";

        ResultAssert.Succeeded(await Portal.UpdateContactAsync(CallerFor(customer), input));

        var after = await StoredAsync(customer);
        var lower = newEmail.ToLowerInvariant();
        Assert.Equal((lower, "Flat 4B, Lakeview Apartments, 5th Main", lower, lower.ToUpperInvariant()),
            (after.Email, after.Line, after.UserEmail, after.NormalizedEmail));
        Assert.NotEqual(before.Version, after.Version);
        await using var check = fixture.Services.CreateAsyncScope();
        var users = check.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        Assert.Equal(customer.UserId, (await users.FindByEmailAsync(newEmail))?.Id);
        Assert.Null(await users.FindByEmailAsync(before.Email!));
        await using var db = fixture.CreateContext();
        var entry = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.CustomerId == customer.Id);
        Assert.Equal((AuditActions.CustomerEdited, customer.UserId), (entry.Action, entry.ActorUserId));
        Assert.Contains(lower, entry.After, StringComparison.Ordinal);
        Assert.Contains(before.Email!, entry.Before, StringComparison.Ordinal);
        await using var unchanged = fixture.CreateContext();
        var row = await unchanged.Customers.AsNoTracking().SingleAsync(c => c.Id == customer.Id);
        Assert.Equal((customer.Name, customer.Mobile, customer.RouteId, "Koramangala", "560034"),
            (row.Name, row.Mobile, row.RouteId, row.Address.Area, row.Address.PinCode));
    }

    [Fact]
    public async Task The_email_may_be_removed()
    {
        var customer = await CustomerAsync();
        var input = await FormFor(customer);
        input.Email = " ";

        ResultAssert.Succeeded(await Portal.UpdateContactAsync(CallerFor(customer), input));

        var after = await StoredAsync(customer);
        Assert.Equal((null, null, null), (after.Email, after.UserEmail, after.NormalizedEmail));
    }

    [Fact]
    public async Task An_email_another_customer_has_is_refused_next_to_the_field_and_nothing_changes()
    {
        var customer = await CustomerAsync();
        var other = await CustomerAsync();
        var before = await StoredAsync(customer);
        var input = await FormFor(customer);
        input.Email = other.Email!.ToUpperInvariant();
        input.AddressLine = "Somewhere else";

        var result = await Portal.UpdateContactAsync(CallerFor(customer), input);

        Assert.Equal("This email is already used by another account.", ResultAssert.Refused(result, nameof(ContactInput.Email)).Message);
        Assert.Equal(before, await StoredAsync(customer));
    }

    [Fact]
    public async Task An_email_a_staff_login_has_is_refused_too()
    {
        var customer = await CustomerAsync();
        await using var db = fixture.CreateContext();
        var staffEmail = UniqueEmail("office");
        await TestData.AddUserAsync(db, Roles.Staff, email: staffEmail);
        var before = await StoredAsync(customer);
        var input = await FormFor(customer);
        input.Email = staffEmail;

        var result = await Portal.UpdateContactAsync(CallerFor(customer), input);

        Assert.Equal("This email is already used by another account.", ResultAssert.Refused(result, nameof(ContactInput.Email)).Message);
        Assert.Equal(before, await StoredAsync(customer));
    }

    [Fact]
    public async Task An_invalid_email_is_refused_next_to_the_field_and_nothing_changes()
    {
        var customer = await CustomerAsync();
        var before = await StoredAsync(customer);
        var input = await FormFor(customer);
        input.Email = "kavya.example.in";
        input.AddressLine = "Somewhere else";

        var result = await Portal.UpdateContactAsync(CallerFor(customer), input);

        Assert.Equal("Enter a valid email, or leave it empty.", ResultAssert.Refused(result, nameof(ContactInput.Email)).Message);
        Assert.Equal(before, await StoredAsync(customer));
    }

    [Fact]
    public async Task An_empty_or_too_long_address_is_refused_next_to_the_field_and_nothing_changes()
    {
        var customer = await CustomerAsync();
        var before = await StoredAsync(customer);
        var input = await FormFor(customer);
        input.Email = UniqueEmail("new");

        input.AddressLine = "   ";
        var empty = await Portal.UpdateContactAsync(CallerFor(customer), input);
        input.AddressLine = new string('x', Limits.AddressLineLength + 1);
        var tooLong = await Portal.UpdateContactAsync(CallerFor(customer), input);

        Assert.Equal("Enter the house and street.", ResultAssert.Refused(empty, nameof(ContactInput.AddressLine)).Message);
        Assert.Equal($"Keep the address under {Limits.AddressLineLength} characters.", ResultAssert.Refused(tooLong, nameof(ContactInput.AddressLine)).Message);
        Assert.Equal(before, await StoredAsync(customer));
    }

    [Fact]
    public async Task A_change_made_on_a_stale_form_is_refused_and_the_newer_change_stays()
    {
        var customer = await CustomerAsync();
        var stale = await FormFor(customer);
        var first = await FormFor(customer);
        first.AddressLine = "Changed in another tab";
        ResultAssert.Succeeded(await Portal.UpdateContactAsync(CallerFor(customer), first));
        var before = await StoredAsync(customer);

        stale.AddressLine = "Old tab";
        var addressOnly = await Portal.UpdateContactAsync(CallerFor(customer), stale);
        stale.Email = UniqueEmail("old-tab");
        var withEmail = await Portal.UpdateContactAsync(CallerFor(customer), stale);

        Assert.Equal(ConcurrencyMessages.ChangedBySomeoneElse, ResultAssert.Refused(addressOnly).Message);
        Assert.Equal(ConcurrencyMessages.ChangedBySomeoneElse, ResultAssert.Refused(withEmail).Message);
        Assert.Equal(before, await StoredAsync(customer));
        Assert.Equal("Changed in another tab", before.Line);
    }

    [Fact]
    public void The_validator_the_page_uses_names_the_fields()
    {
        var validator = new ContactInputValidator();

        var result = validator.Validate(new ContactInput { Email = "not-an-email", AddressLine = "" });

        Assert.Equal(
            [(nameof(ContactInput.Email), "Enter a valid email, or leave it empty."), (nameof(ContactInput.AddressLine), "Enter the house and street.")],
            result.Errors.Select(e => (e.PropertyName, e.ErrorMessage)));
        Assert.True(validator.Validate(new ContactInput { Email = null, AddressLine = "#12, 3rd Cross" }).IsValid);
    }
}
