import MinqingConfig
import MinqingCore
import MinqingDispatch

/// The configured directory as notifications see it.
struct DirectoryContacts: NotificationDirectory {
    let directory: Directory
    let officeName: String
    let people: PeopleIndex

    init(directory: Directory, officeName: String) {
        self.directory = directory
        self.officeName = officeName
        people = directory.peopleIndex
    }

    func contact(_ key: String) -> Contact? {
        let person = directory.person(key)
            ?? directory.people.first { $0.name == key || ($0.email != nil && $0.email == key) }
        return person.map { p in
            Contact(id: p.id, name: p.name, email: p.email, mobile: p.phone, wecomID: p.wecomID, dingtalkID: p.dingtalkID)
        }
    }

    func villageName(_ code: String) -> String? { directory.village(code)?.name }
    func categoryName(_ code: String) -> String? { directory.category(code)?.name }
}
