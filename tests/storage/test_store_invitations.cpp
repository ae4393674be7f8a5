// Invitations, consent answers and the audit log in the store: codes, one
// live invitation per attendee, consent per version, withdrawal deleting
// faces in the same transaction, cascades, and an audit that outlives what
// it records.
#include <regex>
#include <set>

#include "storage/store_test_support.h"

namespace facecheck::storage::testing {
namespace {

class StoreInvitations : public StoreTest {
 protected:
  void SetUp() override {
    event_ = store_.create_event(event_named("Gala")).id;
    ann_ = store_.create_person(person_named("Ann")).id;
    bob_ = store_.create_person(person_named("Bob")).id;
    store_.add_attendee(event_, ann_);
    store_.add_attendee(event_, bob_);
  }
  AuditEntry audit(const std::string& action, Id person) {
    return AuditEntry{0, 1'750'000'100, event_, person, action, "guest", {{"n", 1}}};
  }
  Id event_ = 0, ann_ = 0, bob_ = 0;
};

TEST_F(StoreInvitations, CodesAreRandomBase32AndOnePerAttendee) {
  const auto all = store_.issue_invitations(event_, {});
  ASSERT_EQ(all.invitations.size(), 2u);
  EXPECT_EQ(all.created, 2);
  std::set<std::string> codes;
  for (const auto& row : all.invitations) {
    EXPECT_TRUE(std::regex_match(row.invitation.code, std::regex("iv[a-z2-7]{24}")));
    EXPECT_EQ(row.consent, ConsentState::kPending);
    EXPECT_FALSE(row.face_enrolled);
    codes.insert(row.invitation.code);
  }
  EXPECT_EQ(codes.size(), 2u);
  const auto again = store_.issue_invitations(event_, {bob_, bob_});
  EXPECT_EQ(again.created, 0);
  ASSERT_EQ(again.invitations.size(), 1u);
  EXPECT_TRUE(codes.count(again.invitations[0].invitation.code));
  // Many codes, no repeats and every letter in use: not a counter.
  std::set<char> letters;
  for (int i = 0; i < 200; ++i) {
    const Id p = store_.create_person(person_named(std::to_string(i) + " guest")).id;
    store_.add_attendee(event_, p);
    const std::string c = store_.issue_invitations(event_, {p}).invitations[0].invitation.code;
    EXPECT_TRUE(codes.insert(c).second);
    letters.insert(c.begin() + 2, c.end());
  }
  EXPECT_EQ(letters.size(), 32u);
}

TEST_F(StoreInvitations, StrangersAreRefusedAndNothingIsCreated) {
  const Id carol = store_.create_person(person_named("Carol")).id;
  try {
    store_.issue_invitations(event_, {ann_, carol, 999});
    FAIL() << "expected NotAttendee";
  } catch (const NotAttendee& e) {
    EXPECT_EQ(e.person_ids, (std::vector<Id>{carol, 999}));
  }
  EXPECT_EQ(raw_count("invitations"), 0);
  EXPECT_THROW(store_.issue_invitations(12345, {}), NotFound);
}

TEST_F(StoreInvitations, RevokedCodesStayFindableAndANewOneCanBeIssued) {
  const std::string code = store_.issue_invitations(event_, {ann_}).invitations[0].invitation.code;
  EXPECT_TRUE(store_.revoke_invitation(code, 1'750'000'500));
  EXPECT_TRUE(store_.revoke_invitation(code, 1'750'000'900));
  EXPECT_EQ(store_.find_invitation(code)->revoked_at, 1'750'000'500);
  EXPECT_FALSE(store_.revoke_invitation("ivaaaaaaaaaaaaaaaaaaaaaaaa", 1));
  const std::string fresh = store_.issue_invitations(event_, {ann_}).invitations[0].invitation.code;
  EXPECT_NE(fresh, code);
  EXPECT_EQ(store_.list_invitations(event_).size(), 2u);  // both of Ann's; Bob has none
}

TEST_F(StoreInvitations, ConsentCountsForItsVersionOnly) {
  const std::string code = store_.issue_invitations(event_, {ann_}).invitations[0].invitation.code;
  store_.record_consent(event_, ann_, {1, true, "", 1'750'000'100}, false,
                        audit("consent_accepted", ann_));
  EXPECT_EQ(store_.find_invitation_row(code)->consent, ConsentState::kAccepted);
  EXPECT_EQ(store_.event_stats(event_).consent_accepted, 1);

  Event e = store_.get_event(event_);
  e.consent_text = "We keep a face template until the end of the event.";
  e = store_.update_event(e);
  EXPECT_EQ(e.consent_version, 2);
  e.venue = "Hall B";  // other changes keep the version
  EXPECT_EQ(store_.update_event(e).consent_version, 2);
  EXPECT_EQ(store_.find_invitation_row(code)->consent, ConsentState::kPending);
  const auto stats = store_.event_stats(event_);
  EXPECT_EQ(stats.consent_pending, 1);
  EXPECT_EQ(stats.consent_accepted, 0);
  EXPECT_EQ(store_.latest_consent(event_, ann_)->version, 1);
  EXPECT_THROW(store_.record_consent(event_, ann_, {0, true, "", 1}, false, audit("x", ann_)),
               Invalid);
}

TEST_F(StoreInvitations, WithdrawalDeletesTheFacesWithTheAnswer) {
  store_.add_template(template_for(ann_, 0.1f));
  store_.add_template(template_for(ann_, 0.2f));
  store_.add_template(template_for(bob_, 0.3f));
  store_.record_consent(event_, ann_, {1, false, "", 1'750'000'200}, true,
                        audit("face_deleted", ann_));
  EXPECT_TRUE(store_.list_templates(ann_).empty());
  EXPECT_EQ(store_.list_templates(bob_).size(), 1u);
  const auto log = store_.list_audit(event_);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].action, "face_deleted");
  EXPECT_EQ(log[0].person_id, ann_);
  EXPECT_EQ(log[0].details, (AuditDetails{{"n", std::int64_t{1}}}));
}

TEST_F(StoreInvitations, LeavingTheEventDropsInvitationsAndConsentButNotTheAudit) {
  store_.issue_invitations(event_, {ann_});
  store_.record_consent(event_, ann_, {1, true, "", 1'750'000'100}, false,
                        audit("consent_accepted", ann_));
  store_.remove_attendee(event_, ann_);
  EXPECT_EQ(raw_count("invitations"), 0);
  EXPECT_EQ(raw_count("consents"), 0);
  store_.delete_person(ann_);
  EXPECT_EQ(store_.list_audit(event_).size(), 1u);
}

TEST_F(StoreInvitations, CheckInsRecordTheirMethod) {
  CheckIn c;
  c.event_id = event_;
  c.person_id = bob_;
  c.checked_in_at = 1'750'000'300;
  c.method = CheckInMethod::kQr;
  EXPECT_EQ(store_.record_checkin(c).check_in.method, CheckInMethod::kQr);
  c.person_id = ann_;
  c.method = CheckInMethod::kFace;
  store_.record_checkin(c);
  const auto stats = store_.event_stats(event_);
  EXPECT_EQ(stats.by_qr, 1);
  EXPECT_EQ(stats.by_face, 1);
  EXPECT_EQ(stats.by_manual, 0);
  EXPECT_EQ(store_.list_checkins(event_)[0].method, CheckInMethod::kQr);
}

}  // namespace
}  // namespace facecheck::storage::testing
