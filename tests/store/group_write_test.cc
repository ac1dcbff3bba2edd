// Database::GroupWrite (group commit): concurrent writes share one transaction and one COMMIT,
// yet each call keeps the all-or-nothing and durable-on-return contract of its own transaction.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "kjudge/store/database.h"
#include "kjudge/store/user_repository.h"
#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

using testing::QueryInt;
using testing::StoreTest;

class GroupWriteTest : public StoreTest {
 protected:
  /// A GroupWrite on its own thread whose work waits for Release(): while it waits, its group is
  /// running and every other GroupWrite queues for the next one.
  class Blocker {
   public:
    explicit Blocker(Database& db) {
      thread_ = std::thread([this, &db] {
        status_ = db.GroupWrite([this](WriteTransaction&) -> Status {
          std::unique_lock lock(mu_);
          running_ = true;
          cv_.notify_all();
          cv_.wait(lock, [this] { return released_; });
          return Ok();
        });
      });
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return running_; });
    }
    ~Blocker() { Release(); }
    void Release() {
      {
        std::lock_guard lock(mu_);
        released_ = true;
      }
      cv_.notify_all();
      if (thread_.joinable()) thread_.join();
    }

   private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool running_ = false, released_ = false;
    Status status_;
    std::thread thread_;
  };

  /// Waits (with a deadline) until `n` GroupWrite calls are queued behind the running group.
  void AwaitWaiting(std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (db_->GroupWritesWaiting() < n) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "only " << db_->GroupWritesWaiting() << " calls queued";
      std::this_thread::yield();
    }
  }

  /// What a member saw of the group it ran in.
  struct Seen {
    std::thread::id leader;
    const void* transaction = nullptr;
  };

  /// GroupWrite that creates user `name`, then fails with `error` (or throws) if asked.
  std::thread CreateUser(const std::string& name, Status* out, Seen* seen, bool fail = false, bool throws = false) {
    return std::thread([=, this] {
      *out = db_->GroupWrite([&](WriteTransaction& tx) -> Status {
        seen->leader = std::this_thread::get_id();
        seen->transaction = &tx;
        KJ_RETURN_IF_ERROR(UserRepository(tx).Create({name, "", Role::kCompetitor}));
        if (throws) throw std::runtime_error("boom");
        if (fail) return MakeError(ErrorCode::kRateLimited, name + " changed its mind");
        return Ok();
      });
    });
  }
};

TEST_F(GroupWriteTest, CallsThatArriveWhileAGroupRunsShareTheNextTransaction) {
  Status a, b, c;
  Seen sa, sb, sc;
  std::vector<std::thread> threads;
  {
    Blocker blocker(*db_);
    threads.push_back(CreateUser("ann", &a, &sa));
    threads.push_back(CreateUser("ben", &b, &sb));
    threads.push_back(CreateUser("cat", &c, &sc));
    AwaitWaiting(3);
  }  // the blocking group commits; the three queued calls form the next group
  for (auto& t : threads) t.join();
  EXPECT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(sa.transaction, sb.transaction);
  EXPECT_EQ(sb.transaction, sc.transaction);
  EXPECT_EQ(sa.leader, sb.leader) << "one thread ran the whole group";
  EXPECT_EQ(sb.leader, sc.leader);
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM users"), 3);
}

TEST_F(GroupWriteTest, AFailingOrThrowingMemberIsUndoneAloneAndTheOthersCommit) {
  Status ok1, failed, threw, ok2;
  Seen s1, s2, s3, s4;
  std::vector<std::thread> threads;
  {
    Blocker blocker(*db_);
    threads.push_back(CreateUser("first", &ok1, &s1));
    AwaitWaiting(1);
    threads.push_back(CreateUser("quitter", &failed, &s2, /*fail=*/true));
    AwaitWaiting(2);
    threads.push_back(CreateUser("thrower", &threw, &s3, false, /*throws=*/true));
    AwaitWaiting(3);
    threads.push_back(CreateUser("last", &ok2, &s4));
    AwaitWaiting(4);
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(s1.transaction, s4.transaction) << "all four ran in one group";
  EXPECT_TRUE(ok1.ok());
  EXPECT_TRUE(ok2.ok());
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kRateLimited) << "the member's own error comes back";
  ASSERT_FALSE(threw.ok());
  EXPECT_EQ(threw.error().code, ErrorCode::kInternal);
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM users WHERE name IN ('first', 'last')"), 2);
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM users WHERE name IN ('quitter', 'thrower')"), 0);
}

TEST_F(GroupWriteTest, ReturnsOnlyOnceItsWritesAreCommitted) {
  // Each call checks, from a separate read connection, that what the previous call of this
  // thread wrote is visible: committed, not just written in a transaction still open.
  constexpr int kThreads = 8;
  constexpr int kCallsPerThread = 60;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        const std::string name = "u" + std::to_string(t) + "_" + std::to_string(i);
        Status st = db_->GroupWrite([&](WriteTransaction& tx) -> Status {
          return UserRepository(tx).Create({name, "", Role::kCompetitor}).ok()
                     ? Ok()
                     : MakeError(ErrorCode::kInternal, "create failed");
        });
        if (!st.ok() || !UserRepository(*db_).GetByName(name).ok()) ++failures;
      }
    });
  }
  // Plain write transactions interleave with the groups.
  threads.emplace_back([&] {
    for (int i = 0; i < 40; ++i) {
      if (!UserRepository(*db_).Create({"plain" + std::to_string(i), "", Role::kCompetitor}).ok()) ++failures;
    }
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM users"), kThreads * kCallsPerThread + 40);
}

TEST_F(GroupWriteTest, ACallOnAThreadHoldingAWriteTransactionIsRefusedInsteadOfDeadlocking) {
  auto tx = db_->BeginWrite();
  ASSERT_TRUE(tx.ok());
  Status st = db_->GroupWrite([](WriteTransaction&) { return Ok(); });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInternal);
  EXPECT_NE(st.error().message.find("deadlock"), std::string::npos);
}

}  // namespace
}  // namespace kjudge::store
