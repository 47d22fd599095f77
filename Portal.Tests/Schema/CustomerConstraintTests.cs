using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Domain.Customers;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Schema;

/// <summary>Every customer is exactly one login, and mobiles and emails identify one person: PostgreSQL enforces it.</summary>
public sealed class CustomerConstraintTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static Customer NewCustomer(string userId, string? mobile = null) => new()
    {
        Name = "Meera Iyer",
        Mobile = mobile ?? TestData.UniqueMobile(),
        Address = new Address { Line = "#4, 2nd Main", Area = "Indiranagar", City = "Bengaluru", PinCode = "560038" },
        UserId = userId,
        CreatedAt = TestData.Now,
    };

    [Fact]
    public async Task A_customer_without_a_user_is_refused()
    {
        await using var db = fixture.CreateContext();
        var mobile = TestData.UniqueMobile();

        var refusal = await PostgresAssert.RefusesAsync(PostgresErrorCodes.NotNullViolation, null, () => db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO customers (name, mobile, address_line, address_area, address_city, address_pin_code, status, user_id, created_at)
            VALUES ('No Login', {mobile}, '#1', 'HSR Layout', 'Bengaluru', '560102', 'Active', NULL, now())
            """));

        Assert.Equal("customers", refusal.TableName);
        Assert.Equal("user_id", refusal.ColumnName);
    }

    [Fact]
    public async Task A_second_customer_on_the_same_user_is_refused()
    {
        string userId;
        await using (var setup = fixture.CreateContext())
        {
            userId = (await TestData.AddCustomerAsync(setup)).UserId;
        }

        await using var db = fixture.CreateContext();
        db.Customers.Add(NewCustomer(userId));

        await PostgresAssert.RefusesAsync(PostgresErrorCodes.UniqueViolation, "ix_customers_user_id", () => db.SaveChangesAsync());
    }

    [Fact]
    public async Task A_customer_whose_user_does_not_exist_is_refused()
    {
        await using var db = fixture.CreateContext();
        db.Customers.Add(NewCustomer(Guid.NewGuid().ToString()));

        await PostgresAssert.RefusesAsync(PostgresErrorCodes.ForeignKeyViolation, "fk_customers_users_user_id", () => db.SaveChangesAsync());
    }

    [Fact]
    public async Task A_customer_with_its_own_user_is_accepted()
    {
        await using var db = fixture.CreateContext();
        var user = await TestData.AddUserAsync(db);
        db.Customers.Add(NewCustomer(user.Id));

        await db.SaveChangesAsync();

        await using var check = fixture.CreateContext();
        Assert.True(await check.Customers.AnyAsync(c => c.UserId == user.Id));
    }

    [Theory]
    [InlineData("5876543210")]
    [InlineData("0987654321")]
    [InlineData("987654321")]
    [InlineData("98765abc10")]
    [InlineData("+919876543")]
    public async Task A_mobile_that_is_not_ten_digits_starting_6_to_9_is_refused(string mobile)
    {
        await using var db = fixture.CreateContext();
        var user = await TestData.AddUserAsync(db);
        db.Customers.Add(NewCustomer(user.Id, mobile));

        await PostgresAssert.RefusesAsync(PostgresErrorCodes.CheckViolation, "ck_customers_mobile", () => db.SaveChangesAsync());
    }

    [Fact]
    public async Task A_mobile_another_customer_has_is_refused()
    {
        string mobile;
        await using (var setup = fixture.CreateContext())
        {
            mobile = (await TestData.AddCustomerAsync(setup)).Mobile;
        }

        await using var db = fixture.CreateContext();
        var user = await TestData.AddUserAsync(db);
        db.Customers.Add(NewCustomer(user.Id, mobile));

        await PostgresAssert.RefusesAsync(PostgresErrorCodes.UniqueViolation, "ix_customers_mobile", () => db.SaveChangesAsync());
    }

    [Fact]
    public async Task Two_users_with_the_same_email_in_any_case_are_refused()
    {
        var email = $"same{TestData.Next()}@portal.test";
        await using (var setup = fixture.CreateContext())
        {
            await TestData.AddUserAsync(setup, email: email);
        }

        await using var db = fixture.CreateContext();

        await PostgresAssert.RefusesAsync(PostgresErrorCodes.UniqueViolation, "EmailIndex",
            () => TestData.AddUserAsync(db, email: email.ToUpperInvariant()));
    }

    [Fact]
    public async Task Many_users_without_an_email_are_accepted()
    {
        await using var db = fixture.CreateContext();

        var first = await TestData.AddUserAsync(db);
        var second = await TestData.AddUserAsync(db);

        await using var check = fixture.CreateContext();
        Assert.Equal(2, await check.Users.CountAsync(u => (u.Id == first.Id || u.Id == second.Id) && u.NormalizedEmail == null));
    }
}
